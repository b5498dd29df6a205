using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Core.Cilium;

/// <summary>
/// cilium.io/v2 CiliumEndpoint, reduced to the fields the guard reads (unknown
/// fields are skipped). KubernetesClient has no model for Cilium's CRDs; the sandbox keeps its own, so the two never share one.
/// </summary>
public sealed class CiliumEndpoint : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "cilium.io";
    public const string Version = "v2";
    public const string Plural = "ciliumendpoints";
    public const string KubeApiVersion = Group + "/" + Version;
    public const string KubeKind = "CiliumEndpoint";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KubeApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("status")]
    public CiliumEndpointStatus? Status { get; set; }
}
