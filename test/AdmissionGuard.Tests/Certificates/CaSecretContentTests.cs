using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AdmissionGuard.Certificates;
using AdmissionGuard.Core.Certificates;
using AdmissionGuard.Tests.Support;
using k8s.Models;

namespace AdmissionGuard.Tests.Certificates;

public sealed class CaSecretContentTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<string> Names = ServiceDnsNames.For("admissionguard-webhook", "admissionguard-system");

    private static V1Secret Secret(IReadOnlyDictionary<string, string> data) => new()
    {
        Metadata = new V1ObjectMeta { Name = "admissionguard-webhook-ca", NamespaceProperty = "admissionguard-system", ResourceVersion = "7" },
        Type = "kubernetes.io/tls",
        Data = data.ToDictionary(d => d.Key, d => Encoding.ASCII.GetBytes(d.Value)),
    };

    private static (string Certificate, string Key) Pem(X509Certificate2 certificate)
    {
        using var ecdsa = certificate.GetECDsaPrivateKey();
        using var rsa = ecdsa is null ? certificate.GetRSAPrivateKey() : null;
        return (certificate.ExportCertificatePem(), ecdsa?.ExportPkcs8PrivateKeyPem() ?? rsa!.ExportPkcs8PrivateKeyPem());
    }

    public static TheoryData<Dictionary<string, string>, string> Unusable()
    {
        using var authority = CertificateAuthority.Create("test-ca", Now);
        var (caCertificate, caKey) = Pem(authority.Certificate);
        using var leaf = TestCertificates.Create();
        var (leafCertificate, leafKey) = Pem(leaf);
        return new()
        {
            { [], "tls.crt is missing or empty; delete the Secret to have the guard create a new CA" },
            { new() { ["tls.crt"] = caCertificate }, "tls.key is missing or empty" },
            { new() { ["tls.crt"] = "not a certificate", ["tls.key"] = caKey }, "tls.crt and tls.key are not a PEM certificate and its private key" },
            { new() { ["tls.crt"] = caCertificate, ["tls.key"] = leafKey }, "tls.crt and tls.key are not a PEM certificate and its private key" },
            { new() { ["tls.crt"] = leafCertificate, ["tls.key"] = leafKey }, "tls.crt is not a CA certificate (it has no basicConstraints CA:TRUE)" },
            { new() { ["tls.crt"] = caCertificate, ["tls.key"] = caKey, ["ca.crt"] = "garbage" }, "ca.crt contains no PEM certificate" },
            {
                new() { ["tls.crt"] = caCertificate, ["tls.key"] = caKey, ["ca.crt"] = "-----BEGIN CERTIFICATE-----\nbm90IGRlcg==\n-----END CERTIFICATE-----\n" },
                "ca.crt is not a PEM bundle of certificates"
            },
        };
    }

    [Theory]
    [MemberData(nameof(Unusable))]
    public void An_unusable_secret_is_refused_with_a_message_naming_the_secret_and_the_key(Dictionary<string, string> data, string problem)
    {
        var parse = () => CaSecretContent.Parse(Secret(data));

        parse.Should().Throw<CaSecretException>().WithMessage($"CA Secret admissionguard-system/admissionguard-webhook-ca: {problem}*");
    }

    [Fact]
    public void A_written_secret_reads_back_with_the_same_authority_and_its_resource_version()
    {
        using var created = CaSecretContent.NewAuthority("test-ca", Now, replacing: null);
        var secret = created.ToSecret("admissionguard-webhook-ca", "admissionguard-system", Now);
        secret.Metadata.ResourceVersion = "42";

        using var read = CaSecretContent.Parse(secret);

        secret.Type.Should().Be("kubernetes.io/tls");
        read.Authority.Certificate.Thumbprint.Should().Be(created.Authority.Certificate.Thumbprint);
        read.Authority.Certificate.HasPrivateKey.Should().BeTrue();
        read.ResourceVersion.Should().Be("42");
        read.Previous.Should().BeEmpty();
        Encoding.ASCII.GetString(read.TrustBundle(Now)).Should().Be(created.Authority.Certificate.ExportCertificatePem() + "\n");
    }

    [Fact]
    public void A_new_authority_keeps_the_previous_one_trusted_until_it_expires()
    {
        using var first = CaSecretContent.NewAuthority("test-ca", Now, replacing: null);
        var rotation = CertificateRenewal.RenewalTime(first.Authority.NotBefore, first.Authority.NotAfter);

        using var second = CaSecretContent.NewAuthority("test-ca", rotation, first);
        using var read = CaSecretContent.Parse(second.ToSecret("admissionguard-webhook-ca", "admissionguard-system", rotation));

        read.Authority.Certificate.Subject.Should().NotBe(first.Authority.Certificate.Subject, "a rotated CA never shares its predecessor's name");
        read.TrustedAt(rotation).Select(c => c.Thumbprint).Should().Equal(second.Authority.Certificate.Thumbprint, first.Authority.Certificate.Thumbprint);
        read.TrustedAt(first.Authority.NotAfter).Select(c => c.Thumbprint).Should().Equal(second.Authority.Certificate.Thumbprint);
    }

    [Fact]
    public void A_ca_brought_with_kubectl_create_secret_tls_may_be_rsa_and_issues_certificates_it_recognises()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Example Corp Webhook CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var rsaAuthority = request.CreateSelfSigned(Now.AddDays(-1), Now.AddYears(5));
        var (certificate, privateKey) = Pem(rsaAuthority);
        using var content = CaSecretContent.Parse(Secret(new Dictionary<string, string> { ["tls.crt"] = certificate, ["tls.key"] = privateKey }));
        using var other = CertificateAuthority.Create("other", Now);

        var issued = content.Authority.Issue(Names, Now);
        using var served = X509Certificate2.CreateFromPem(issued.CertificatePem, issued.KeyPem);

        content.Authority.IsIssuerOf(served).Should().BeTrue();
        other.IsIssuerOf(served).Should().BeFalse();
        served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().Should().Equal(Names);
        served.Subject.Should().Be($"CN={Names[0]}");
        CertificateAuthority.Validity(served).Should().Be((Now - CertificateRenewal.Backdate, Now + CertificateRenewal.ServingValidity));
    }

    [Fact]
    public void Issued_certificates_are_for_server_authentication_only()
    {
        using var authority = CertificateAuthority.Create("test-ca", Now);

        var issued = authority.Issue(Names, Now);
        using var served = X509Certificate2.CreateFromPem(issued.CertificatePem, issued.KeyPem);

        served.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority.Should().BeFalse();
        served.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).Should().Equal("1.3.6.1.5.5.7.3.1");
        served.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.Should().Be(X509KeyUsageFlags.DigitalSignature);
    }
}
