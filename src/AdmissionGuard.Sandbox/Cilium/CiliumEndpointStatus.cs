using System.Text.Json.Serialization;

namespace AdmissionGuard.Sandbox.Cilium;

/// <summary>The agent's view of the endpoint (Cilium's <c>EndpointStatus</c>), reduced to what the simulation fills.</summary>
public sealed class CiliumEndpointStatus
{
    /// <summary>The agent-local endpoint id.</summary>
    [JsonPropertyName("id")]
    public long? Id { get; set; }

    [JsonPropertyName("external-identifiers")]
    public CiliumEndpointExternalIdentifiers? ExternalIdentifiers { get; set; }

    [JsonPropertyName("identity")]
    public CiliumEndpointIdentity? Identity { get; set; }

    [JsonPropertyName("networking")]
    public CiliumEndpointNetworking? Networking { get; set; }

    /// <summary>ready, regenerating, waiting-for-identity, not-ready, disconnected, ...</summary>
    [JsonPropertyName("state")]
    public string? State { get; set; }
}
