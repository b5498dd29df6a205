using System.Security.Cryptography.X509Certificates;

namespace AdmissionGuard.Webhook;

/// <summary>
/// Where the serving certificate comes from (the shape of cert-manager's CertificateSource): Kestrel asks
/// for the current certificate on every TLS handshake, so a source can rotate it without a restart.
/// Sources are started and stopped as hosted services.
/// </summary>
internal interface ICertificateSource
{
    /// <summary>The certificate (with private key) to serve now, or null while none is loaded.</summary>
    X509Certificate2? GetCertificate();

    /// <summary>True while a certificate is loaded; readiness fails otherwise.</summary>
    bool Healthy { get; }

    /// <summary>Where the certificate comes from, for health reports and logs.</summary>
    string Description { get; }
}
