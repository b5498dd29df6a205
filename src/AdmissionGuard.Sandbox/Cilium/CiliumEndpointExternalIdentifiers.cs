using System.Text.Json.Serialization;

namespace AdmissionGuard.Sandbox.Cilium;

/// <summary>status.external-identifiers: the pod the endpoint was created for.</summary>
public sealed class CiliumEndpointExternalIdentifiers
{
    [JsonPropertyName("k8s-namespace")]
    public string? PodNamespace { get; set; }

    [JsonPropertyName("k8s-pod-name")]
    public string? PodName { get; set; }

    /// <summary><c>namespace/name</c>.</summary>
    [JsonPropertyName("pod-name")]
    public string? NamespacedPodName { get; set; }
}
