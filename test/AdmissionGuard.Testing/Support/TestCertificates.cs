using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AdmissionGuard.Tests.Support;

/// <summary>Self-signed serving certificates written as PEM files, like cert-manager's tls.crt and tls.key.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 Create(string commonName = "admissionguard-webhook.admissionguard-system.svc")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName(commonName);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>Writes <paramref name="certificate"/> and its key; returns the thumbprint to compare with what is served.</summary>
    public static string Write(X509Certificate2 certificate, string certFile, string keyFile)
    {
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return certificate.Thumbprint;
    }

    public static string WriteNew(string certFile, string keyFile, string commonName = "admissionguard-webhook.admissionguard-system.svc")
    {
        using var certificate = Create(commonName);
        return Write(certificate, certFile, keyFile);
    }
}
