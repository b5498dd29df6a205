using System.Text.Json.Serialization;

namespace AdmissionGuard.Core.Cilium;

/// <summary>status.networking of a CiliumEndpoint: the node it runs on and its addresses.</summary>
public sealed class CiliumEndpointNetworking
{
    [JsonPropertyName("node")]
    public string? Node { get; set; }

    [JsonPropertyName("addressing")]
    public IList<CiliumEndpointAddress>? Addressing { get; init; }
}
