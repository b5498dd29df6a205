using System.Text.Json.Serialization;

namespace AdmissionGuard.Sandbox.Cilium;

/// <summary>status.identity: the security identity and the labels it was derived from.</summary>
public sealed class CiliumEndpointIdentity
{
    [JsonPropertyName("id")]
    public long Id { get; set; }

    [JsonPropertyName("labels")]
    public IList<string>? Labels { get; init; }
}
