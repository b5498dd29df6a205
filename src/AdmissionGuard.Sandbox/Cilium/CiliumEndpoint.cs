using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Cilium;

/// <summary>
/// cilium.io/v2 CiliumEndpoint as the simulated Cilium agent writes it (Cilium's <c>pkg/k8s/apis/cilium.io/v2</c>
/// types): the sandbox's own model, so a mistake in the guard's reading of the CRD cannot hide in a shared class.
/// </summary>
public sealed class CiliumEndpoint : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "cilium.io";
    public const string Version = "v2";
    public const string KubeKind = "CiliumEndpoint";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/" + Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("status")]
    public CiliumEndpointStatus? Status { get; set; }
}
