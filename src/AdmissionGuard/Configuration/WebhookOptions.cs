using System.ComponentModel.DataAnnotations;

namespace AdmissionGuard.Configuration;

/// <summary>The <c>Webhook</c> section: where the webhook listens and which certificate it serves.</summary>
internal sealed class WebhookOptions
{
    public const string SectionName = "Webhook";

    /// <summary>HTTPS port of <c>/mutate-pods</c> and <c>/validate-pods</c>; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 9443;

    /// <summary>Plain-HTTP port of <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>; 0 picks a free port.</summary>
    public int MetricsPort { get; set; } = 8080;

    /// <summary>PEM serving certificate (chain allowed); re-read when it changes.</summary>
    [Required(ErrorMessage = "Webhook:CertFile is required: the PEM serving certificate (cert-manager's tls.crt)")]
    public string CertFile { get; set; } = "";

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    [Required(ErrorMessage = "Webhook:KeyFile is required: the PEM private key (cert-manager's tls.key)")]
    public string KeyFile { get; set; } = "";
}
