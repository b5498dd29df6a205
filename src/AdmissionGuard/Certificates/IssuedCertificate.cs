namespace AdmissionGuard.Certificates;

/// <summary>A serving certificate and its private key, as the PEM files the webhook serves.</summary>
internal sealed record IssuedCertificate(string CertificatePem, string KeyPem, DateTimeOffset NotAfter, string Subject);
