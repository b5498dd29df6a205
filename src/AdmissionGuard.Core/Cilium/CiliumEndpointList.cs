using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Core.Cilium;

/// <summary>A page of CiliumEndpoints, as list calls return them.</summary>
public sealed class CiliumEndpointList : IKubernetesObject<V1ListMeta>, IItems<CiliumEndpoint>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = CiliumEndpoint.KubeApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "CiliumEndpointList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<CiliumEndpoint> Items { get; set; } = [];
}
