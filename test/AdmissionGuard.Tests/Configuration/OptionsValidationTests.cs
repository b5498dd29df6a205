using AdmissionGuard.Configuration;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Labels;
using AdmissionGuard.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Tests.Configuration;

public sealed class OptionsValidationTests
{
    private static async Task<IReadOnlyList<string>> StartupFailuresAsync(params string[] settings)
    {
        using var certificates = new TempDirectory();
        TestCertificates.WriteNew(certificates.File("tls.crt"), certificates.File("tls.key"));
        var builder = GuardTestHost.CreateBuilder(certificates, settings);
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<AdmissionGuard.Core.Cluster.IClusterSnapshot>(TestCluster.Snapshot());
        await using var app = GuardApplication.Build(builder);

        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (SettingsFailures.Of(e) is { } failures)
        {
            // Each wrong section throws its own OptionsValidationException; several arrive together in an AggregateException.
            return failures;
        }

        throw new InvalidOperationException("start-up succeeded, but bad settings were expected to stop it");
    }

    public static TheoryData<string, string> BadSettings => new()
    {
        { "--Admission:Mode=gat", "Admission:Mode: 'gat' is not one of off, warn, gate, deny" },
        { "--Admission:TaintKeys=", "Admission:TaintKeys: the list is empty; name at least one taint key" },
        { "--Admission:TaintKeys:0= ", "Admission:TaintKeys:0: taint key is empty" },
        { "--Admission:ExcludedNamespaces:0=", "Admission:ExcludedNamespaces:0: namespace is empty" },
        { "--Admission:ExcludedPodSelector=app in (a", "Admission:ExcludedPodSelector: invalid label selector \"app in (a\": expected ',' or ')'" },
        { "--Admission:CacheWaitTimeout=-00:00:01", "Admission:CacheWaitTimeout: '-00:00:01' must be between 00:00:00 and 00:00:10" },
        { "--Admission:CacheWaitTimeout=00:00:30", "Admission:CacheWaitTimeout: '00:00:30' must be between 00:00:00 and 00:00:10" },
        { "--Webhook:Port=70000", "Webhook:Port: 70000 is not a port (1-65535, or 0 for any free port)" },
        { "--Webhook:MetricsPort=-1", "Webhook:MetricsPort: -1 is not a port" },
        { "--Webhook:MetricsAddress=localhost", "Webhook:MetricsAddress: 'localhost' is not an IP address" },
        { "--Webhook:CertFile=/nonexistent/tls.crt", "Webhook:CertFile: file '/nonexistent/tls.crt' does not exist" },
        { "--Webhook:KeyFile=", "Webhook:KeyFile is required" },
        { "--Webhook:CaSecretName=Webhook_CA", "Webhook:CaSecretName: must be a DNS subdomain" },
        { "--Webhook:ServiceName=webhook.svc", "Webhook:ServiceName: must be a DNS label" },
        { "--Webhook:Namespace=Guard", "Webhook:Namespace: must be a DNS label" },
        { "--Webhook:MaxConnections=0", "Webhook:MaxConnections: 0 is outside 1-10000" },
        { "--Webhook:MaxConcurrentRequests=0", "Webhook:MaxConcurrentRequests: 0 is outside 1-1000" },
        { "--Webhook:RequestQueueLimit=-1", "Webhook:RequestQueueLimit: -1 is outside 0-10000" },
    };

    [Fact]
    public async Task Self_managed_certificates_without_a_namespace_stop_start_up_saying_where_it_comes_from()
    {
        // An empty POD_NAMESPACE on the command line hides one the test process may have in its environment.
        var failures = await StartupFailuresAsync("--Webhook:SelfManagedCertificates=true", "--POD_NAMESPACE=");

        failures.Should().ContainSingle().Which.Should().Be(
            "Webhook:Namespace: self-managed certificates need the guard's namespace (where the CA Secret and the Service are): " +
            "set POD_NAMESPACE (the manifests set it from the pod) or Webhook:Namespace");
    }

    [Fact]
    public async Task Self_managed_certificates_need_a_directory_to_write_to()
    {
        var failures = await StartupFailuresAsync(
            "--Webhook:SelfManagedCertificates=true", "--Webhook:Namespace=guard", "--Webhook:CertFile=/nonexistent/tls.crt");

        failures.Should().ContainSingle().Which.Should().Be(
            "Webhook:CertFile: directory '/nonexistent' does not exist (self-managed certificates are written there)");
    }

    [Fact]
    public async Task Self_managed_certificates_need_separate_certificate_and_key_files()
    {
        using var directory = new TempDirectory();

        var failures = await StartupFailuresAsync("--Webhook:SelfManagedCertificates=true", "--Webhook:Namespace=guard",
            $"--Webhook:CertFile={directory.File("tls.pem")}", $"--Webhook:KeyFile={directory.File("tls.pem")}");

        failures.Should().ContainSingle().Which.Should().StartWith("Webhook:KeyFile: must differ from Webhook:CertFile");
    }

    [Fact]
    public void Self_managed_certificates_take_the_pods_namespace_and_need_no_certificate_files_yet()
    {
        using var directory = new TempDirectory();
        var builder = GuardApplication.CreateBuilder(
        [
            $"--Webhook:CertFile={directory.File("tls.crt")}", $"--Webhook:KeyFile={directory.File("tls.key")}",
            "--Webhook:SelfManagedCertificates=true", "--POD_NAMESPACE=guard-elsewhere",
        ]);
        builder.Services.AddSingleton<AdmissionGuard.Core.Cluster.IClusterSnapshot>(TestCluster.Snapshot());
        using var app = GuardApplication.Build(builder);

        app.Services.GetRequiredService<IStartupValidator>().Validate();

        app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.Should().BeEquivalentTo(new
        {
            SelfManagedCertificates = true,
            Namespace = "guard-elsewhere",
            CaSecretName = "admissionguard-webhook-ca",
            ServiceName = "admissionguard-webhook",
        });
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_start_up_with_a_message_naming_it(string setting, string message)
    {
        var failures = await StartupFailuresAsync(setting);

        failures.Should().ContainSingle().Which.Should().Contain(message);
    }

    [Fact]
    public async Task Equal_ports_are_refused()
    {
        var failures = await StartupFailuresAsync("--Webhook:Port=9443", "--Webhook:MetricsPort=9443");

        failures.Should().ContainSingle().Which.Should().StartWith("Webhook:MetricsPort: 9443 is also Webhook:Port");
    }

    [Fact]
    public async Task Every_bad_setting_is_reported_at_once()
    {
        var failures = await StartupFailuresAsync("--Admission:Mode=x", "--Admission:TaintKeys=");

        failures.Should().HaveCount(2);
    }

    [Fact]
    public async Task Defaults_give_gate_mode_on_the_cilium_taint_without_exclusions()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var policy = guard.App.Services.GetRequiredService<AdmissionPolicy>();

        policy.DefaultMode.Should().Be(GuardMode.Gate);
        policy.TaintKeys.Should().Equal(WellKnown.CiliumAgentNotReadyTaint);
        policy.Exclusions.ExcludedNamespaces.Should().BeEmpty();
        policy.Exclusions.ExcludedPods.MatchesNothing.Should().BeTrue();
    }

    [Fact]
    public async Task Configured_settings_replace_the_defaults()
    {
        await using var guard = await GuardTestHost.StartAsync(settings:
        [
            "--Admission:Mode=DENY",
            "--Admission:TaintKeys:0=example.com/a",
            "--Admission:TaintKeys:1=example.com/b",
            "--Admission:ExcludedNamespaces:0=kube-system",
            "--Admission:ExcludedPodSelector=app notin (web)",
            "--Admission:CacheWaitTimeout=00:00:00.500",
        ]);

        var policy = guard.App.Services.GetRequiredService<AdmissionPolicy>();

        policy.DefaultMode.Should().Be(GuardMode.Deny);
        policy.TaintKeys.Should().Equal("example.com/a", "example.com/b");
        policy.Exclusions.ExcludedNamespaces.Should().BeEquivalentTo(["kube-system"]);
        policy.Exclusions.ExcludedPods.Should().BeEquivalentTo(LabelSelector.Parse("app notin (web)"), o => o.ComparingByMembers<LabelSelector>());
        guard.App.Services.GetRequiredService<IOptions<AdmissionOptions>>().Value.CacheWaitTimeout.Should().Be(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task The_cni_section_is_what_admission_reads()
    {
        await using var guard = await GuardTestHost.StartAsync(settings: ["--Cni:TaintKeys:0=example.com/cni-not-ready"]);

        guard.App.Services.GetRequiredService<AdmissionPolicy>().TaintKeys.Should().Equal("example.com/cni-not-ready");
    }

    [Fact]
    public async Task A_key_that_moved_to_cni_still_works_and_start_up_warns_with_the_new_key()
    {
        using var certificates = new TempDirectory();
        TestCertificates.WriteNew(certificates.File("tls.crt"), certificates.File("tls.key"));
        var logs = new CapturedLogs();
        var builder = GuardTestHost.CreateBuilder(certificates,
            "--Admission:TaintKeys:0=example.com/old", "--Reconciler:AgentNamespace=cilium-system", "--Reconciler:AgentSelector=app=agent");
        builder.Logging.AddProvider(logs);
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<AdmissionGuard.Core.Cluster.IClusterSnapshot>(TestCluster.Snapshot());
        await using var app = GuardApplication.Build(builder);

        await app.StartAsync(TestContext.Current.CancellationToken);

        app.Services.GetRequiredService<AdmissionPolicy>().TaintKeys.Should().Equal("example.com/old");
        app.Services.GetRequiredService<IOptions<CniOptions>>().Value.Should().BeEquivalentTo(
            new { AgentNamespace = "cilium-system", AgentSelector = "app=agent" });
        logs.At(LogLevel.Warning).Should().Contain(
        [
            "Setting Admission:TaintKeys is deprecated and will stop working in the next release: use Cni:TaintKeys (environment Cni__TaintKeys)",
            "Setting Reconciler:AgentNamespace is deprecated and will stop working in the next release: use Cni:AgentNamespace (environment Cni__AgentNamespace)",
            "Setting Reconciler:AgentSelector is deprecated and will stop working in the next release: use Cni:AgentSelector (environment Cni__AgentSelector)",
        ]);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_new_key_wins_over_the_old_one_and_a_bad_value_is_reported_under_the_key_given()
    {
        await using (var guard = await GuardTestHost.StartAsync(settings: ["--Admission:TaintKeys:0=example.com/old", "--Cni:TaintKeys:0=example.com/new"]))
        {
            guard.App.Services.GetRequiredService<AdmissionPolicy>().TaintKeys.Should().Equal("example.com/new");
        }

        (await StartupFailuresAsync("--Cni:TaintKeys=")).Should().ContainSingle().Which.Should().StartWith("Cni:TaintKeys: the list is empty");
        (await StartupFailuresAsync("--Admission:TaintKeys=")).Should().ContainSingle().Which.Should().StartWith("Admission:TaintKeys: the list is empty");
    }

    [Fact]
    public void A_binding_waits_at_most_two_seconds_for_its_pod_by_default()
    {
        new AdmissionOptions().CacheWaitTimeout.Should().Be(TimeSpan.FromSeconds(2), "well inside the webhook's timeoutSeconds of 3");
    }

    [Fact]
    public void Build_without_a_cluster_snapshot_says_how_to_add_one()
    {
        using var certificates = new TempDirectory();
        var builder = GuardTestHost.CreateBuilder(certificates);

        var build = () => GuardApplication.Build(builder);

        build.Should().Throw<InvalidOperationException>().WithMessage("*AddClusterCaches*");
    }
}
