using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AdmissionGuard.Certificates;
using AdmissionGuard.Core.Certificates;
using AdmissionGuard.Sandbox;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using AdmissionGuard.Tests.Support;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Tests.Certificates;

public sealed class SelfManagedCertificatesTests
{
    private const string Namespace = SelfManagedGuard.Namespace;
    private const string SecretName = SelfManagedGuard.SecretName;

    private static readonly IReadOnlyList<string> ServiceNames = ServiceDnsNames.For("admissionguard-webhook", Namespace);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<SandboxServer> InstalledSandboxAsync()
    {
        var sandbox = await SandboxServer.StartAsync(cancellationToken: Token);
        await SelfManagedGuard.InstallAsync(sandbox);
        return sandbox;
    }

    private static V1Secret? CaSecret(SandboxServer sandbox) => sandbox.Api.Get<V1Secret>(Namespace, SecretName);

    private static CaSecretContent CaContent(SandboxServer sandbox) => CaSecretContent.Parse(CaSecret(sandbox)!);

    /// <summary>The caBundle of every webhook of both configurations.</summary>
    private static List<string> Bundles(SandboxServer sandbox) =>
    [
        .. sandbox.Api.Get<V1MutatingWebhookConfiguration>(null, "admissionguard")!.Webhooks.Select(w => Text(w.ClientConfig.CaBundle)),
        .. sandbox.Api.Get<V1ValidatingWebhookConfiguration>(null, "admissionguard")!.Webhooks.Select(w => Text(w.ClientConfig.CaBundle)),
    ];

    private static string Text(byte[]? bytes) => bytes is null ? "" : Encoding.ASCII.GetString(bytes);

    private static string Pem(params X509Certificate2[] certificates) => string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    private static List<string> DnsNames(X509Certificate2 certificate) =>
        [.. certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames()];

    /// <summary>Lets fake time flow a minute at a time (the issuer's re-check) until the condition holds.</summary>
    private static Task LetTimePassUntilAsync(FakeTimeProvider clock, Func<bool> condition, string what) =>
        Wait.UntilAsync(() =>
        {
            if (condition())
            {
                return true;
            }

            clock.Advance(SelfManagedCertificateIssuer.RecheckInterval);
            return false;
        }, what);

    [Fact]
    public async Task Two_replicas_starting_together_create_the_ca_secret_once_and_both_serve_certificates_the_webhooks_trust()
    {
        await using var sandbox = await InstalledSandboxAsync();
        var before = sandbox.Api.Store.Revision.ToString(CultureInfo.InvariantCulture);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // Slow answers widen the window in which both replicas find no Secret and both try to create it.
        sandbox.Faults.Latency = TimeSpan.FromMilliseconds(50);

        var replicas = await Task.WhenAll(SelfManagedGuard.StartAsync(sandbox, clock), SelfManagedGuard.StartAsync(sandbox, clock));
        await using var first = replicas[0];
        await using var second = replicas[1];
        await Wait.UntilAsync(() => first.Served is not null && second.Served is not null, "both replicas serve a certificate");
        sandbox.Faults.Latency = TimeSpan.Zero;

        using var secretChanges = sandbox.Api.Watch<V1Secret>(Namespace, new WatchOptions { ResourceVersion = before });
        secretChanges.Backlog.Select(e => e.Type.ToString()).Should().Equal("Added");
        using var content = CaContent(sandbox);
        var bundle = Pem(content.Authority.Certificate);
        foreach (var replica in replicas)
        {
            content.Authority.IsIssuerOf(replica.Served!).Should().BeTrue();
            DnsNames(replica.Served!).Should().Equal(ServiceNames);
            (await replica.ReadyzAsync()).Should().Be(HttpStatusCode.OK);
            var presented = await replica.HandshakeAsync(Encoding.ASCII.GetBytes(Bundles(sandbox)[0]));
            presented.Should().NotBeNull("the API server must trust the served certificate through the caBundle");
            presented!.Thumbprint.Should().Be(replica.Served!.Thumbprint);
        }

        Bundles(sandbox).Should().HaveCount(2).And.OnlyContain(b => b == bundle);
        first.Served!.Thumbprint.Should().NotBe(second.Served!.Thumbprint, "each replica has its own key");
    }

    [Fact]
    public async Task A_replica_that_loses_the_creation_race_reads_and_uses_the_winners_ca()
    {
        await using var sandbox = await InstalledSandboxAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var winner = CaSecretContent.NewAuthority("rival", clock.GetUtcNow(), replacing: null);
        using var handler = new CreateRivalSecretFirst(() => sandbox.Api.CreateAsync(winner.ToSecret(SecretName, Namespace, clock.GetUtcNow()), cancellationToken: Token));
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(sandbox.KubeconfigPath), handler);

        await using var guard = await SelfManagedGuard.StartAsync(sandbox, clock, client);
        await Wait.UntilAsync(() => guard.Served is not null, "the replica serves a certificate");

        winner.Authority.IsIssuerOf(guard.Served!).Should().BeTrue();
        using var stored = CaContent(sandbox);
        stored.Authority.Certificate.Thumbprint.Should().Be(winner.Authority.Certificate.Thumbprint);
        Bundles(sandbox).Should().OnlyContain(b => b == Pem(winner.Authority.Certificate));
        guard.Logs.At(LogLevel.Information).Should().Contain($"Another replica created the CA Secret {Namespace}/{SecretName} first; using its CA");
    }

    [Fact]
    public async Task Webhook_configurations_that_already_trust_the_ca_are_left_alone_and_nothing_else_in_them_changes()
    {
        await using var sandbox = await InstalledSandboxAsync();
        var installed = sandbox.Api.Get<V1ValidatingWebhookConfiguration>(null, "admissionguard")!;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var guard = await SelfManagedGuard.StartAsync(sandbox, clock);
        await Wait.UntilAsync(() => guard.Served is not null, "the replica serves a certificate");
        var revision = sandbox.Api.Store.Revision;

        await guard.Issuer.SyncAsync(Token);

        sandbox.Api.Store.Revision.Should().Be(revision, "a pass with nothing to do writes nothing");
        var patched = sandbox.Api.Get<V1ValidatingWebhookConfiguration>(null, "admissionguard")!;
        patched.Webhooks.Should().ContainSingle();
        patched.Webhooks[0].ClientConfig.Service.Should().BeEquivalentTo(installed.Webhooks[0].ClientConfig.Service);
        patched.Webhooks[0].Should().BeEquivalentTo(installed.Webhooks[0], o => o.Excluding(w => w.ClientConfig.CaBundle));
    }

    [Fact]
    public async Task An_overwritten_ca_bundle_is_repaired_on_the_next_recheck()
    {
        await using var sandbox = await InstalledSandboxAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var guard = await SelfManagedGuard.StartAsync(sandbox, clock);
        await Wait.UntilAsync(() => guard.Served is not null, "the replica serves a certificate");
        var bundle = Bundles(sandbox)[0];

        await sandbox.Api.PatchAsync<V1MutatingWebhookConfiguration>(null, "admissionguard", Sandbox.Api.PatchType.Json,
            $$"""[{"op":"replace","path":"/webhooks/0/clientConfig/caBundle","value":"{{Convert.ToBase64String("stale"u8.ToArray())}}"}]""",
            cancellationToken: Token);
        Bundles(sandbox)[0].Should().Be("stale");

        await LetTimePassUntilAsync(clock, () => Bundles(sandbox)[0] == bundle, "the caBundle is repaired");
    }

    [Fact]
    public async Task The_serving_certificate_is_renewed_from_the_same_ca_well_before_it_expires()
    {
        await using var sandbox = await InstalledSandboxAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var guard = await SelfManagedGuard.StartAsync(sandbox, clock);
        await Wait.UntilAsync(() => guard.Served is not null, "the replica serves a certificate");
        var first = guard.Served!;
        var (_, firstExpiry) = CertificateAuthority.Validity(first);
        firstExpiry.Should().BeCloseTo(clock.GetUtcNow() + CertificateRenewal.ServingValidity, TimeSpan.FromSeconds(1), "certificates count whole seconds");

        clock.Advance(TimeSpan.FromDays(19));
        await guard.Issuer.SyncAsync(Token);
        guard.Served!.Thumbprint.Should().Be(first.Thumbprint, "19 days is before two thirds of 30");

        clock.Advance(TimeSpan.FromDays(1));
        await LetTimePassUntilAsync(clock, () => guard.Served!.Thumbprint != first.Thumbprint, "the certificate is renewed");

        clock.GetUtcNow().Should().BeBefore(firstExpiry - TimeSpan.FromDays(9));
        using var content = CaContent(sandbox);
        content.Authority.IsIssuerOf(guard.Served!).Should().BeTrue();
        content.Previous.Should().BeEmpty("the CA is not due");
        CertificateAuthority.Validity(guard.Served!).NotAfter.Should().BeAfter(firstExpiry);
        File.ReadAllText(guard.CertFile).Should().Be(guard.Served!.ExportCertificatePem());
    }

    [Fact]
    public async Task A_rotated_ca_keeps_the_previous_one_in_the_bundle_until_it_expires()
    {
        await using var sandbox = await InstalledSandboxAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var guard = await SelfManagedGuard.StartAsync(sandbox, clock);
        await Wait.UntilAsync(() => guard.Served is not null, "the replica serves a certificate");
        using var original = CaContent(sandbox);
        var oldCa = original.Authority;

        clock.Advance(CertificateRenewal.RenewalTime(oldCa.NotBefore, oldCa.NotAfter) - clock.GetUtcNow());
        await LetTimePassUntilAsync(clock, () => !oldCa.IsIssuerOf(guard.Served!), "the replica serves a certificate from the new CA");

        using var rotated = CaContent(sandbox);
        rotated.Authority.Certificate.Thumbprint.Should().NotBe(oldCa.Certificate.Thumbprint);
        rotated.Authority.IsIssuerOf(guard.Served!).Should().BeTrue();
        rotated.Previous.Select(c => c.Thumbprint).Should().Equal(oldCa.Certificate.Thumbprint);
        Bundles(sandbox).Should().HaveCount(2).And.OnlyContain(b => b == Pem(rotated.Authority.Certificate, oldCa.Certificate));

        clock.Advance(oldCa.NotAfter - clock.GetUtcNow());
        await LetTimePassUntilAsync(clock, () => Bundles(sandbox).All(b => b == Pem(rotated.Authority.Certificate)), "the expired CA leaves the bundle");
        using var later = CaContent(sandbox);
        later.Authority.Certificate.Thumbprint.Should().Be(rotated.Authority.Certificate.Thumbprint, "the new CA is not due yet");
    }

    [Fact]
    public async Task A_corrupt_ca_secret_is_reported_clearly_left_untouched_and_the_guard_stays_unready_until_it_is_fixed()
    {
        await using var sandbox = await InstalledSandboxAsync();
        await sandbox.Api.CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = SecretName, NamespaceProperty = Namespace },
            Type = "kubernetes.io/tls",
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = "not a certificate"u8.ToArray(), ["tls.key"] = "nor a key"u8.ToArray() },
        }, cancellationToken: Token);
        var corrupt = CaSecret(sandbox)!.Metadata.ResourceVersion;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var guard = await SelfManagedGuard.StartAsync(sandbox, clock);

        var expected = $"CA Secret {Namespace}/{SecretName}: tls.crt and tls.key are not a PEM certificate and its private key";
        await Wait.UntilAsync(() => guard.Logs.At(LogLevel.Error).Any(m => m.StartsWith(expected, StringComparison.Ordinal)), "the problem is logged");

        guard.Logs.At(LogLevel.Error).First().Should().Contain("Fix the Secret or delete it (the guard then creates a new CA)");
        guard.Served.Should().BeNull();
        (await guard.ReadyzAsync()).Should().Be(HttpStatusCode.ServiceUnavailable);
        CaSecret(sandbox)!.Metadata.ResourceVersion.Should().Be(corrupt, "the guard never overwrites a CA it cannot read");
        Bundles(sandbox).Should().OnlyContain(b => b.Length == 0);

        await sandbox.Api.DeleteAsync<V1Secret>(Namespace, SecretName, cancellationToken: Token);
        await LetTimePassUntilAsync(clock, () => guard.Served is not null, "the replica creates a CA and serves a certificate");
        (await guard.ReadyzAsync()).Should().Be(HttpStatusCode.OK);
    }
}
