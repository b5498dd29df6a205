namespace AdmissionGuard.Configuration;

/// <summary>The <c>Kubernetes</c> section: how to reach the API server (read by the cluster caches).</summary>
public sealed class KubernetesOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>Path of a kubeconfig; empty = $KUBECONFIG, ~/.kube/config, then in-cluster.</summary>
    public string Kubeconfig { get; set; } = "";

    /// <summary>kubeconfig context; empty = the current context.</summary>
    public string Context { get; set; } = "";
}
