namespace AdmissionGuard.Configuration;

/// <summary>The <c>Webhook</c> section: where the webhook listens and which certificate it serves.</summary>
internal sealed class WebhookOptions
{
    public const string SectionName = "Webhook";

    /// <summary>The environment variable (downward API) that names the pod's namespace when <see cref="Namespace"/> is empty.</summary>
    public const string PodNamespaceVariable = "POD_NAMESPACE";

    /// <summary>HTTPS port of <c>/mutate-pods</c> and <c>/validate-pods</c>; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 9443;

    /// <summary>Plain-HTTP port of <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>; 0 picks a free port.</summary>
    public int MetricsPort { get; set; } = 8080;

    /// <summary>
    /// IP address the health and metrics listener binds; empty = every interface (a pod's kubelet probes and
    /// Prometheus scrape its pod IP). The playground binds 127.0.0.1.
    /// </summary>
    public string MetricsAddress { get; set; } = "";

    /// <summary>
    /// Most TLS connections the webhook port holds at once; one more is closed before its handshake. Only the webhook
    /// listener counts: health probes and scrapes are never refused because of admission traffic.
    /// </summary>
    public int MaxConnections { get; set; } = 32;

    /// <summary>
    /// Most admission requests with a large body (over 64 KiB, or of unknown length; up to 3 MiB each) read and decided
    /// at once; the others wait in a queue of <see cref="RequestQueueLimit"/>, and beyond that are answered 429 at once.
    /// Ordinary reviews (a pod is a few KB) are not counted here: up to 512 run at once.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Requests waiting for one of the <see cref="MaxConcurrentRequests"/>, oldest first; 0 = none wait.</summary>
    public int RequestQueueLimit { get; set; } = 16;

    /// <summary>
    /// PEM serving certificate (chain allowed); re-read when it changes. With <see cref="SelfManagedCertificates"/>
    /// the guard writes it here itself.
    /// </summary>
    public string CertFile { get; set; } = "";

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>
    /// Run a CA kept in the Secret <see cref="CaSecretName"/>, issue the serving certificate for the Service
    /// <see cref="ServiceName"/> to <see cref="CertFile"/> and <see cref="KeyFile"/>, renew both before they
    /// expire, and keep the webhook configurations' caBundle current. No cert-manager needed.
    /// </summary>
    public bool SelfManagedCertificates { get; set; }

    /// <summary>Secret (in <see cref="Namespace"/>) holding the self-managed CA.</summary>
    public string CaSecretName { get; set; } = "admissionguard-webhook-ca";

    /// <summary>Service (in <see cref="Namespace"/>) the webhook configurations call; its DNS names go into the certificate.</summary>
    public string ServiceName { get; set; } = "admissionguard-webhook";

    /// <summary>
    /// Namespace of <see cref="ServiceName"/> and <see cref="CaSecretName"/>: the guard's own. Empty = the
    /// environment variable <c>POD_NAMESPACE</c>, which the manifests set from the pod (downward API).
    /// </summary>
    public string Namespace { get; set; } = "";
}
