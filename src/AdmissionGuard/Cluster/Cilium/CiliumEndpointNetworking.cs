using System.Text.Json.Serialization;

namespace AdmissionGuard.Cluster.Cilium;

internal sealed class CiliumEndpointNetworking
{
    /// <summary>The node whose agent manages the endpoint.</summary>
    [JsonPropertyName("node")]
    public string? Node { get; set; }
}
