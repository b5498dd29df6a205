using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Cluster.Cilium;

/// <summary>cilium.io/v2 CiliumEndpoint, reduced to the fields AdmissionGuard reads (unknown fields are skipped).</summary>
internal sealed class CiliumEndpoint : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "cilium.io";
    public const string Version = "v2";
    public const string Plural = "ciliumendpoints";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{Group}/{Version}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "CiliumEndpoint";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("status")]
    public CiliumEndpointStatus? Status { get; set; }
}
