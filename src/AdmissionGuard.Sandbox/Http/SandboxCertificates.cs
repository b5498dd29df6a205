using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>A throw-away CA and a serving certificate it signs, generated in process.</summary>
public sealed class SandboxCertificates : IDisposable
{
    private SandboxCertificates(X509Certificate2 authority, X509Certificate2 serving)
    {
        Authority = authority;
        Serving = serving;
    }

    /// <summary>The CA certificate (public part): what clients trust.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The serving certificate with its private key.</summary>
    public X509Certificate2 Serving { get; }

    public string AuthorityPem => Authority.ExportCertificatePem();

    /// <summary>Writes the serving certificate and its private key as PEM files, as cert-manager's <c>tls.crt</c> and <c>tls.key</c>.</summary>
    public void WriteServingPem(string certFile, string keyFile)
    {
        using var key = Serving.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the serving certificate has no EC private key");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certFile, Serving.ExportCertificatePem());
    }

    /// <summary>A CA named <paramref name="commonName"/> and a certificate for <paramref name="dnsNames"/> plus 127.0.0.1 and ::1.</summary>
    public static SandboxCertificates Create(string commonName, params string[] dnsNames)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        var now = DateTimeOffset.UtcNow;
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest($"CN={commonName} CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        using var authorityWithKey = authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));

        using var servingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var servingRequest = new CertificateRequest($"CN={commonName}", servingKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames.Append("localhost"))
        {
            names.AddDnsName(dns);
        }

        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        servingRequest.CertificateExtensions.Add(names.Build());
        servingRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        servingRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        servingRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var serving = servingRequest.Create(authorityWithKey, now.AddMinutes(-5), now.AddMonths(11), serial);
        var servingWithKey = serving.CopyWithPrivateKey(servingKey);
        var authority = X509CertificateLoader.LoadCertificate(authorityWithKey.RawData);
        return new SandboxCertificates(authority, servingWithKey);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Serving.Dispose();
    }
}
