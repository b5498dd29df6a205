using System.Net;
using System.Security.Cryptography.X509Certificates;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Manifests;

public sealed class CertificateScriptTests
{
    private static readonly string[] GeneratedFiles = ["ca.crt", "ca.key", "tls.crt", "tls.key"];

    private static readonly string[] ServiceNames =
    [
        "admissionguard-webhook", "admissionguard-webhook.admissionguard-system",
        "admissionguard-webhook.admissionguard-system.svc", "admissionguard-webhook.admissionguard-system.svc.cluster.local",
    ];

    [Fact]
    public async Task The_serving_certificate_names_the_webhook_service_and_localhost_and_chains_to_the_dev_ca()
    {
        using var certs = new TempDirectory();

        var result = await GenerateAsync(certs);

        result.Succeeded.Should().BeTrue(result.Output);
        using var serving = X509Certificate2.CreateFromPemFile(Path.Combine(certs.Path, "tls.crt"), Path.Combine(certs.Path, "tls.key"));
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(certs.Path, "ca.crt"));
        var names = serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Should().ContainSingle().Subject;
        names.EnumerateDnsNames().Should().BeEquivalentTo([.. ServiceNames, "localhost"]);
        names.EnumerateIPAddresses().Should().Equal(IPAddress.Loopback);
        serving.HasPrivateKey.Should().BeTrue();
        serving.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages
            .Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).Should().Equal("1.3.6.1.5.5.7.3.1");
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.Build(serving).Should().BeTrue(string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public async Task Running_it_again_keeps_valid_certificates_and_replaces_only_what_is_missing()
    {
        using var certs = new TempDirectory();
        (await GenerateAsync(certs)).Succeeded.Should().BeTrue();
        var first = GeneratedFiles.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(certs.Path, f)));

        var again = await GenerateAsync(certs);

        again.StandardOutput.Should().Contain("up to date");
        GeneratedFiles.Should().OnlyContain(f => File.ReadAllBytes(Path.Combine(certs.Path, f)).SequenceEqual(first[f]));

        File.Delete(Path.Combine(certs.Path, "tls.crt"));
        var repaired = await GenerateAsync(certs);

        repaired.Succeeded.Should().BeTrue(repaired.Output);
        File.ReadAllBytes(Path.Combine(certs.Path, "ca.crt")).Should().Equal(first["ca.crt"], "a valid CA is kept");
        File.ReadAllBytes(Path.Combine(certs.Path, "tls.crt")).Should().NotBeEmpty();
    }

    [Fact]
    public async Task The_files_it_generates_in_certs_are_git_ignored()
    {
        var git = ExternalTool.FindOrSkip("git", "git checks the ignore rules");

        var result = await ProcessRunner.RunAsync(
            git, ["check-ignore", "--no-index", .. GeneratedFiles.Select(f => $"certs/{f}")],
            TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        result.Succeeded.Should().BeTrue(result.Output);
        result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(GeneratedFiles.Length);
    }

    private static Task<ProcessResult> GenerateAsync(TempDirectory certs)
    {
        ExternalTool.FindOrSkip("openssl", "apt-get install openssl");
        return ProcessRunner.RunAsync(
            "bash", [RepositoryRoot.Combine("certs", "generate.sh")], TimeSpan.FromMinutes(1),
            TestContext.Current.CancellationToken, environment: new Dictionary<string, string> { ["CERTS_DIR"] = certs.Path });
    }
}
