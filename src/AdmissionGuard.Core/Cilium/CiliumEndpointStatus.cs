using System.Text.Json.Serialization;

namespace AdmissionGuard.Core.Cilium;

/// <summary>status of a CiliumEndpoint: the agent-local id, the security identity, where it lives and its state.</summary>
public sealed class CiliumEndpointStatus
{
    [JsonPropertyName("id")]
    public long? Id { get; set; }

    [JsonPropertyName("identity")]
    public CiliumEndpointIdentity? Identity { get; set; }

    [JsonPropertyName("networking")]
    public CiliumEndpointNetworking? Networking { get; set; }

    /// <summary>ready, regenerating, waiting-for-identity, not-ready, disconnected, ...</summary>
    [JsonPropertyName("state")]
    public string? State { get; set; }
}
