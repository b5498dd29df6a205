using System.Text.Json.Serialization;

namespace AdmissionGuard.Sandbox.Cilium;

/// <summary>One entry of status.networking.addressing.</summary>
public sealed class CiliumEndpointAddress
{
    [JsonPropertyName("ipv4")]
    public string? Ipv4 { get; set; }

    [JsonPropertyName("ipv6")]
    public string? Ipv6 { get; set; }
}
