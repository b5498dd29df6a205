using System.Text.Json.Serialization;

namespace AdmissionGuard.Cluster.Cilium;

internal sealed class CiliumEndpointStatus
{
    /// <summary>ready, regenerating, waiting-for-identity, not-ready, disconnected, ...</summary>
    [JsonPropertyName("state")]
    public string? State { get; set; }

    [JsonPropertyName("networking")]
    public CiliumEndpointNetworking? Networking { get; set; }
}
