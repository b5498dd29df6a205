using System.Security.Cryptography.X509Certificates;
using AdmissionGuard.Configuration;
using AdmissionGuard.Tests.Support;
using AdmissionGuard.Webhook;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Tests.Webhook;

public sealed class PemFileCertificateSourceTests
{
    private static PemFileCertificateSource Source(string certFile, string keyFile, TimeProvider time) =>
        new(Options.Create(new WebhookOptions { CertFile = certFile, KeyFile = keyFile }), time, NullLogger<PemFileCertificateSource>.Instance);

    private static async Task StartAsync(PemFileCertificateSource source)
    {
        await source.StartingAsync(TestContext.Current.CancellationToken);
        await source.StartAsync(TestContext.Current.CancellationToken);
    }

    private static Task<HealthCheckResult> CheckAsync(ICertificateSource source) =>
        new CertificateHealthCheck(source).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

    /// <summary>
    /// The kubelet's Secret volume layout: files live in a versioned directory that <c>..data</c> points to, and
    /// tls.crt / tls.key link through <c>..data</c>. The kubelet renames a new link over <c>..data</c>; replacing
    /// it here in two steps also shows that a reload failing in between does no harm.
    /// </summary>
    private static string PublishSecret(string directory, string version)
    {
        var versioned = Path.Combine(directory, version);
        Directory.CreateDirectory(versioned);
        var thumbprint = TestCertificates.WriteNew(Path.Combine(versioned, "tls.crt"), Path.Combine(versioned, "tls.key"));
        var data = Path.Combine(directory, "..data");
        if (Directory.Exists(data))
        {
            Directory.Delete(data);
        }

        Directory.CreateSymbolicLink(data, version);
        foreach (var file in new[] { "tls.crt", "tls.key" })
        {
            var link = Path.Combine(directory, file);
            if (!File.Exists(link))
            {
                File.CreateSymbolicLink(link, Path.Combine("..data", file));
            }
        }

        return thumbprint;
    }

    [Fact]
    public async Task Loads_the_certificate_before_the_server_starts_and_reports_healthy()
    {
        using var directory = new TempDirectory();
        var thumbprint = TestCertificates.WriteNew(directory.File("tls.crt"), directory.File("tls.key"));
        using var source = Source(directory.File("tls.crt"), directory.File("tls.key"), new FakeTimeProvider());

        await source.StartingAsync(TestContext.Current.CancellationToken);

        source.GetCertificate()!.Thumbprint.Should().Be(thumbprint);
        source.GetCertificate()!.HasPrivateKey.Should().BeTrue();
        source.Healthy.Should().BeTrue();
        (await CheckAsync(source)).Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task Swapping_the_data_symlink_as_cert_manager_does_serves_the_new_certificate()
    {
        using var directory = new TempDirectory();
        var first = PublishSecret(directory.Path, "..2026_01_01_00_00_00.1");
        using var source = Source(directory.File("tls.crt"), directory.File("tls.key"), new FakeTimeProvider());
        await StartAsync(source);
        source.GetCertificate()!.Thumbprint.Should().Be(first);

        var second = PublishSecret(directory.Path, "..2026_02_01_00_00_00.2");

        // No fake time passes: only the directory watcher can have noticed.
        await Wait.UntilAsync(() => source.GetCertificate()?.Thumbprint == second);
        await source.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_change_the_watcher_cannot_see_is_picked_up_by_the_periodic_recheck()
    {
        using var watched = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var first = TestCertificates.WriteNew(elsewhere.File("tls.crt"), elsewhere.File("tls.key"));
        File.CreateSymbolicLink(watched.File("tls.crt"), elsewhere.File("tls.crt"));
        File.CreateSymbolicLink(watched.File("tls.key"), elsewhere.File("tls.key"));
        var time = new FakeTimeProvider();
        using var source = Source(watched.File("tls.crt"), watched.File("tls.key"), time);
        await StartAsync(source);
        source.GetCertificate()!.Thumbprint.Should().Be(first);

        var second = TestCertificates.WriteNew(elsewhere.File("tls.crt"), elsewhere.File("tls.key"));
        source.GetCertificate()!.Thumbprint.Should().Be(first);

        // The loop arms its re-check timer on a background thread: keep advancing until it has fired.
        await Wait.UntilAsync(() =>
        {
            time.Advance(PemFileCertificateSource.RecheckInterval);
            return source.GetCertificate()?.Thumbprint == second;
        });
        await source.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_key_that_does_not_match_keeps_the_previous_certificate()
    {
        using var directory = new TempDirectory();
        var first = TestCertificates.WriteNew(directory.File("tls.crt"), directory.File("tls.key"));
        using var source = Source(directory.File("tls.crt"), directory.File("tls.key"), new FakeTimeProvider());
        await source.StartingAsync(TestContext.Current.CancellationToken);

        // Mid-rotation: the new certificate is written, its key not yet.
        using var other = TestCertificates.Create();
        await File.WriteAllTextAsync(directory.File("tls.crt"), other.ExportCertificatePem(), TestContext.Current.CancellationToken);

        source.Reload().Should().BeFalse();
        source.GetCertificate()!.Thumbprint.Should().Be(first);
    }

    [Fact]
    public async Task Unreadable_files_leave_the_source_unhealthy_with_a_reason()
    {
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.File("tls.crt"), "garbage", TestContext.Current.CancellationToken);
        using var source = Source(directory.File("tls.crt"), directory.File("missing.key"), new FakeTimeProvider());

        await source.StartingAsync(TestContext.Current.CancellationToken);

        source.Healthy.Should().BeFalse();
        var result = await CheckAsync(source);
        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Contain("no serving certificate loaded").And.Contain("tls.crt");
    }

    [Fact]
    public async Task Reloading_unchanged_files_keeps_the_same_certificate_instance()
    {
        using var directory = new TempDirectory();
        TestCertificates.WriteNew(directory.File("tls.crt"), directory.File("tls.key"));
        using var source = Source(directory.File("tls.crt"), directory.File("tls.key"), new FakeTimeProvider());
        await source.StartingAsync(TestContext.Current.CancellationToken);
        var loaded = source.GetCertificate();

        source.Reload().Should().BeFalse();

        source.GetCertificate().Should().BeSameAs(loaded);
    }

    [Fact]
    public async Task Published_certificates_are_written_with_a_private_key_file_and_served_at_once()
    {
        using var directory = new TempDirectory();
        using var source = Source(directory.File("tls.crt"), directory.File("tls.key"), new FakeTimeProvider());
        await source.StartingAsync(TestContext.Current.CancellationToken);
        source.Healthy.Should().BeFalse("nothing is written yet");
        using var certificate = TestCertificates.Create();
        using var key = certificate.GetECDsaPrivateKey()!;

        source.Publish(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem()).Should().BeTrue();

        source.GetCertificate()!.Thumbprint.Should().Be(certificate.Thumbprint);
        File.ReadAllText(directory.File("tls.crt")).Should().Be(certificate.ExportCertificatePem());
        Directory.GetFiles(directory.Path).Select(Path.GetFileName).Should().BeEquivalentTo(["tls.crt", "tls.key"]);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(directory.File("tls.key")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
