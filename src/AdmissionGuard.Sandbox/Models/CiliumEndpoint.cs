using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Models;

/// <summary>
/// cilium.io/v2 CiliumEndpoint, reduced to the fields AdmissionGuard and the simulated Cilium use.
/// KubernetesClient has no model for Cilium's CRDs.
/// </summary>
public sealed class CiliumEndpoint : IKubernetesObject<V1ObjectMeta>
{
    public const string KubeApiVersion = "cilium.io/v2";
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
