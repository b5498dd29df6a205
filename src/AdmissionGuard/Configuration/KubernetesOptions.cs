namespace AdmissionGuard.Configuration;

/// <summary>How to reach the API server. Both empty: $KUBECONFIG, ~/.kube/config, then in-cluster.</summary>
internal sealed class KubernetesOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>Path of a kubeconfig file; empty = the client's default discovery.</summary>
    public string Kubeconfig { get; set; } = "";

    /// <summary>Context inside the kubeconfig; empty = its current-context.</summary>
    public string Context { get; set; } = "";

    /// <summary>
    /// How long a cache that admission reads (pods, nodes, namespaces) may be out of sync with the API server (lists
    /// failing, watches failing or dropped) before <c>/readyz</c> fails. Admission keeps answering meanwhile.
    /// </summary>
    public TimeSpan CacheStaleness { get; set; } = TimeSpan.FromSeconds(60);
}
