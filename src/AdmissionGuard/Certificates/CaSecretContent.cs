using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AdmissionGuard.Core.Certificates;
using k8s.Models;

namespace AdmissionGuard.Certificates;

/// <summary>
/// What the CA Secret holds. It is a <c>kubernetes.io/tls</c> Secret, like the CA Secret of cert-manager's CA
/// issuer, so <c>kubectl create secret tls NAME --cert ca.crt --key ca.key</c> brings your own CA:
/// <list type="bullet">
/// <item><c>tls.crt</c>, <c>tls.key</c>: the CA that issues serving certificates now, with its key;</item>
/// <item><c>ca.crt</c>: every CA the webhooks must trust (PEM bundle): the current one and, after a rotation, the
/// previous one until it expires. Optional: without it only <c>tls.crt</c> is trusted.</item>
/// </list>
/// </summary>
internal sealed class CaSecretContent : IDisposable
{
    public const string CertificateKey = "tls.crt";
    public const string PrivateKeyKey = "tls.key";
    public const string TrustBundleKey = "ca.crt";

    private readonly IReadOnlyList<X509Certificate2> _previous;

    private CaSecretContent(CertificateAuthority authority, IReadOnlyList<X509Certificate2> previous, string? resourceVersion)
    {
        Authority = authority;
        _previous = previous;
        ResourceVersion = resourceVersion;
    }

    /// <summary>The CA that issues serving certificates now.</summary>
    public CertificateAuthority Authority { get; }

    /// <summary>Earlier CAs still listed as trusted (expired ones are dropped when the bundle is built).</summary>
    public IReadOnlyList<X509Certificate2> Previous => _previous;

    /// <summary>The Secret's resourceVersion, so that a rotation only replaces what it read.</summary>
    public string? ResourceVersion { get; }

    /// <summary>Reads a CA Secret.</summary>
    /// <exception cref="CaSecretException">A key is missing, is not PEM, the key does not match, or tls.crt is not a CA.</exception>
    public static CaSecretContent Parse(V1Secret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var where = $"{secret.Metadata?.NamespaceProperty}/{secret.Metadata?.Name}";
        var data = secret.Data ?? new Dictionary<string, byte[]>();
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(Text(data, CertificateKey, where), Text(data, PrivateKeyKey, where));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw CaSecretException.For(where, $"{CertificateKey} and {PrivateKeyKey} are not a PEM certificate and its private key: {e.Message}", e);
        }

        if (!CertificateAuthority.IsAuthority(certificate))
        {
            var subject = certificate.Subject;
            certificate.Dispose();
            throw CaSecretException.For(where, $"{CertificateKey} is not a CA certificate (it has no basicConstraints CA:TRUE): {subject}");
        }

        if (certificate.GetECDsaPublicKey() is null && certificate.GetRSAPublicKey() is null)
        {
            certificate.Dispose();
            throw CaSecretException.For(where, $"{PrivateKeyKey} must be an ECDSA or RSA key");
        }

        var previous = new List<X509Certificate2>();
        if (data.TryGetValue(TrustBundleKey, out var bundle) && bundle is { Length: > 0 })
        {
            var trusted = new X509Certificate2Collection();
            try
            {
                trusted.ImportFromPem(Encoding.ASCII.GetString(bundle));
            }
            catch (CryptographicException e)
            {
                certificate.Dispose();
                throw CaSecretException.For(where, $"{TrustBundleKey} is not a PEM bundle of certificates: {e.Message}", e);
            }

            if (trusted.Count == 0)
            {
                certificate.Dispose();
                throw CaSecretException.For(where, $"{TrustBundleKey} contains no PEM certificate");
            }

            previous.AddRange(trusted.Where(c => c.Thumbprint != certificate.Thumbprint));
        }

        return new CaSecretContent(new CertificateAuthority(certificate), previous, secret.Metadata?.ResourceVersion);
    }

    /// <summary>A new CA; every CA of <paramref name="replacing"/> that has not expired stays trusted.</summary>
    public static CaSecretContent NewAuthority(string commonName, DateTimeOffset now, CaSecretContent? replacing)
    {
        var previous = replacing is null
            ? []
            : replacing.TrustedAt(now).Select(c => X509CertificateLoader.LoadCertificate(c.RawData)).ToList();
        return new CaSecretContent(CertificateAuthority.Create(commonName, now), previous, replacing?.ResourceVersion);
    }

    /// <summary>The current CA first, then the previous ones that have not expired at <paramref name="now"/>.</summary>
    public IEnumerable<X509Certificate2> TrustedAt(DateTimeOffset now) =>
        _previous.Where(c => CertificateRenewal.IsTrusted(now, CertificateAuthority.Validity(c).NotAfter)).Prepend(Authority.Certificate);

    /// <summary>The webhooks' caBundle: <see cref="TrustedAt"/> as concatenated PEM.</summary>
    public byte[] TrustBundle(DateTimeOffset now) => Encoding.ASCII.GetBytes(Pem(TrustedAt(now)));

    /// <summary>The Secret to create, or to replace the one read (its resourceVersion set).</summary>
    public V1Secret ToSecret(string name, string @namespace, DateTimeOffset now) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = @namespace,
            ResourceVersion = ResourceVersion,
            Labels = new Dictionary<string, string>
            {
                ["app.kubernetes.io/name"] = "admissionguard",
                ["app.kubernetes.io/component"] = "webhook-ca",
                ["app.kubernetes.io/managed-by"] = "admissionguard",
            },
        },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]>
        {
            [CertificateKey] = Encoding.ASCII.GetBytes(Authority.Certificate.ExportCertificatePem() + "\n"),
            [PrivateKeyKey] = Encoding.ASCII.GetBytes(Authority.PrivateKeyPem() + "\n"),
            [TrustBundleKey] = TrustBundle(now),
        },
    };

    public void Dispose()
    {
        Authority.Dispose();
        foreach (var certificate in _previous)
        {
            certificate.Dispose();
        }
    }

    private static string Pem(IEnumerable<X509Certificate2> certificates) =>
        string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    private static string Text(IDictionary<string, byte[]> data, string key, string where) =>
        data.TryGetValue(key, out var value) && value is { Length: > 0 }
            ? Encoding.ASCII.GetString(value)
            : throw CaSecretException.For(where, $"{key} is missing or empty; delete the Secret to have the guard create a new CA, or put a CA certificate and key in it");
}
