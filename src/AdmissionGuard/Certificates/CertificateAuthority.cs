using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AdmissionGuard.Core.Certificates;

namespace AdmissionGuard.Certificates;

/// <summary>A CA certificate with its private key: creates itself, issues serving certificates, recognises them.</summary>
internal sealed class CertificateAuthority : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    public CertificateAuthority(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("a CA needs its private key", nameof(certificate));
        }

        Certificate = certificate;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public DateTimeOffset NotBefore => Validity(Certificate).NotBefore;

    public DateTimeOffset NotAfter => Validity(Certificate).NotAfter;

    /// <summary>
    /// A new CA valid for <see cref="CertificateRenewal.AuthorityValidity"/>. The creation time is part of its
    /// name (as in kube-apiserver's self-signed certificates), so a rotated CA never shares a subject with the
    /// one it replaces.
    /// </summary>
    public static CertificateAuthority Create(string commonName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}@{now.ToUnixTimeSeconds()}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new CertificateAuthority(request.CreateSelfSigned(now - CertificateRenewal.Backdate, now + CertificateRenewal.AuthorityValidity));
    }

    /// <summary>True when <paramref name="certificate"/> may sign others (basicConstraints CA:TRUE).</summary>
    public static bool IsAuthority(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(c => c.CertificateAuthority);
    }

    /// <summary>Validity of a certificate as instants (X509Certificate2 reports local times).</summary>
    public static (DateTimeOffset NotBefore, DateTimeOffset NotAfter) Validity(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return (new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
    }

    /// <summary>
    /// A serving certificate for <paramref name="dnsNames"/> (the first is also its common name) with a new
    /// P-256 key, valid for <see cref="CertificateRenewal.ServingValidity"/> but never beyond this CA.
    /// </summary>
    public IssuedCertificate Issue(IReadOnlyList<string> dnsNames, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsNames[0]}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));

        var (notBefore, notAfter) = CertificateRenewal.ServingValidityFrom(now, NotAfter);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var ecdsa = Certificate.GetECDsaPrivateKey();
        using var rsa = ecdsa is null ? Certificate.GetRSAPrivateKey() : null;
        var generator = ecdsa is not null ? X509SignatureGenerator.CreateForECDsa(ecdsa)
            : rsa is not null ? X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1)
            : throw new InvalidOperationException($"the CA {Certificate.Subject} has neither an ECDSA nor an RSA private key");
        using var issued = request.Create(Certificate.SubjectName, generator, notBefore, notAfter, serial);
        return new IssuedCertificate(issued.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), Validity(issued).NotAfter, issued.Subject);
    }

    /// <summary>True when this CA signed <paramref name="certificate"/> (its validity period is not checked here).</summary>
    public bool IsIssuerOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate) && chain.ChainElements.Count == 2;
    }

    /// <summary>The private key as PKCS#8 PEM, for the CA Secret.</summary>
    public string PrivateKeyPem()
    {
        using var ecdsa = Certificate.GetECDsaPrivateKey();
        if (ecdsa is not null)
        {
            return ecdsa.ExportPkcs8PrivateKeyPem();
        }

        using var rsa = Certificate.GetRSAPrivateKey();
        return rsa?.ExportPkcs8PrivateKeyPem() ?? throw new InvalidOperationException($"the CA {Certificate.Subject} has no exportable private key");
    }

    public void Dispose() => Certificate.Dispose();
}
