using System.Text.Json.Serialization;

namespace AdmissionGuard.Core.Cilium;

/// <summary>status.networking of a CiliumEndpoint: the node it runs on and its addresses.</summary>
public sealed class CiliumEndpointNetworking
{
    /// <summary>The IP of the node (Cilium's <c>NodeIP</c>), not its name.</summary>
    [JsonPropertyName("node")]
    public string? NodeIp { get; set; }

    [JsonPropertyName("addressing")]
    public IList<CiliumEndpointAddress>? Addressing { get; init; }
}
