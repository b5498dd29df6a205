namespace AdmissionGuard.Configuration;

/// <summary>How to reach the API server. Both empty: $KUBECONFIG, ~/.kube/config, then in-cluster.</summary>
internal sealed class KubernetesOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>Path of a kubeconfig file; empty = the client's default discovery.</summary>
    public string Kubeconfig { get; set; } = "";

    /// <summary>Context inside the kubeconfig; empty = its current-context.</summary>
    public string Context { get; set; } = "";
}
