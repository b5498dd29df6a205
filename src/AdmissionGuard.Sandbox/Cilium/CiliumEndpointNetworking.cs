using System.Text.Json.Serialization;

namespace AdmissionGuard.Sandbox.Cilium;

/// <summary>status.networking: the endpoint's addresses and the node it runs on.</summary>
public sealed class CiliumEndpointNetworking
{
    /// <summary>The IP of the node (its InternalIP), not its name: Cilium's <c>NodeIP</c>, serialized as <c>node</c>.</summary>
    [JsonPropertyName("node")]
    public string? NodeIp { get; set; }

    [JsonPropertyName("addressing")]
    public IList<CiliumEndpointAddress> Addressing { get; init; } = [];
}
