using AdmissionGuard.Cluster;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Tests.Cluster;

public sealed class ClusterCachesCompositionTests : IDisposable
{
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}.yaml");

    public ClusterCachesCompositionTests() => File.WriteAllText(_kubeconfig, """
        apiVersion: v1
        kind: Config
        current-context: sandbox
        clusters:
        - name: sandbox
          cluster: { server: "https://sandbox.example:6443", insecure-skip-tls-verify: true }
        - name: other
          cluster: { server: "https://other.example:6443", insecure-skip-tls-verify: true }
        users:
        - name: admin
          user: { token: "t0ken" }
        contexts:
        - name: sandbox
          context: { cluster: sandbox, user: admin }
        - name: other
          context: { cluster: other, user: admin }
        """);

    [Fact]
    public void Defaults_are_valid_and_are_the_documented_ones()
    {
        using var app = Build();

        app.Services.GetRequiredService<IStartupValidator>().Validate();
        var reconciler = app.Services.GetRequiredService<IOptions<ReconcilerOptions>>().Value;
        reconciler.Should().BeEquivalentTo(new
        {
            Enabled = true,
            Interval = TimeSpan.FromSeconds(15),
            MinPodAge = TimeSpan.FromSeconds(30),
            MaxRestartsPerCycle = 100,
            MaxRestartsInFlight = 250,
            Concurrency = "OwnerBudget",
            WritesPerSecond = 20.0,
            RestartMethod = RestartMethod.Evict,
            PodCooldown = TimeSpan.FromMinutes(5),
            DryRun = false,
            MaxGateAge = TimeSpan.FromMinutes(10),
            ReleaseGatesAfterMaxAge = false,
        });
        var cni = app.Services.GetRequiredService<IOptions<CniOptions>>().Value;
        cni.Should().BeEquivalentTo(new
        {
            TaintKeys = (string[]?)null,
            EffectiveTaintKeys = new[] { "node.cilium.io/agent-not-ready" },
            AgentNamespace = "kube-system",
            AgentSelector = "k8s-app=cilium",
            EndpointResource = "ciliumendpoints.v2.cilium.io",
        });
        var leaderElection = app.Services.GetRequiredService<IOptions<LeaderElectionOptions>>().Value;
        leaderElection.Should().BeEquivalentTo(new
        {
            Enabled = true,
            LeaseName = "admissionguard-leader",
            LeaseNamespace = "admissionguard-system",
            Identity = Environment.MachineName,
            LeaseDuration = TimeSpan.FromSeconds(15),
            RenewDeadline = TimeSpan.FromSeconds(10),
            RetryPeriod = TimeSpan.FromSeconds(2),
        });
        app.Services.GetRequiredService<IOptions<KubernetesOptions>>().Value.CacheStaleness.Should().Be(TimeSpan.FromSeconds(60));
    }

    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Cni:AgentSelector", "k8s-app in (cilium", "Cni:AgentSelector: invalid label selector" },
        { "Cni:AgentNamespace", "Kube_System", "Cni:AgentNamespace: must be a DNS label" },
        { "Cni:EndpointResource", "ciliumendpoints", "Cni:EndpointResource: 'ciliumendpoints' is not plural.version.group" },
        { "Cni:TaintKeys:0", " ", "Cni:TaintKeys:0: taint key is empty" },
        // Keys that moved to Cni still work for one release, and a bad value is reported under the key given.
        { "Reconciler:AgentSelector", "k8s-app in (cilium", "Reconciler:AgentSelector: invalid label selector" },
        { "Reconciler:AgentSelector", "", "Reconciler:AgentSelector: must not be empty" },
        { "Reconciler:Interval", "00:00:00", "Reconciler:Interval: '00:00:00' must be between 00:00:01 and 01:00:00" },
        { "Reconciler:MaxRestartsPerCycle", "0", "Reconciler:MaxRestartsPerCycle: '0' must be between 1 and 10000" },
        { "Reconciler:MaxRestartsInFlight", "0", "Reconciler:MaxRestartsInFlight: '0' must be between 1 and 100000" },
        { "Reconciler:Concurrency", "many", "Reconciler:Concurrency: must be OwnerBudget, One or a whole number from 1 (got 'many')" },
        { "Reconciler:Concurrency", "0", "Reconciler:Concurrency: must be OwnerBudget, One or a whole number from 1 (got '0')" },
        { "Reconciler:WritesPerSecond", "0", "Reconciler:WritesPerSecond: '0' must be between 0.1 and 10000" },
        { "Reconciler:BlockedAfter", "00:00:00", "Reconciler:BlockedAfter: '00:00:00' must be between 00:00:01 and 7.00:00:00" },
        { "Reconciler:EscalateBlockedAfter", "00:00:00", "Reconciler:EscalateBlockedAfter: '00:00:00' must be between 00:00:01 and 7.00:00:00" },
        { "Reconciler:MaxFailedRestartsPerNode", "0", "Reconciler:MaxFailedRestartsPerNode: '0' must be between 1 and 100" },
        { "Reconciler:AgentNamespace", "Kube_System", "Reconciler:AgentNamespace: must be a DNS label" },
        { "Reconciler:RestartMethod", "7", "Reconciler:RestartMethod: must be one of Evict, Delete" },
        { "LeaderElection:RenewDeadline", "00:00:20", "LeaderElection:RenewDeadline: 00:00:20 must be shorter than LeaderElection:LeaseDuration (00:00:15)" },
        { "LeaderElection:RetryPeriod", "00:00:10", "LeaderElection:RetryPeriod: 00:00:10 must be shorter than LeaderElection:RenewDeadline (00:00:10)" },
        { "LeaderElection:RetryPeriod", "00:00:00", "LeaderElection:RetryPeriod: '00:00:00' must be between 00:00:00.1000000 and 00:01:00" },
        { "LeaderElection:LeaseName", "Not A Name", "LeaderElection:LeaseName: must be a DNS subdomain" },
        { "LeaderElection:Identity", "", "LeaderElection:Identity: must not be empty" },
        { "Kubernetes:Kubeconfig", "/nonexistent/kubeconfig", "Kubernetes:Kubeconfig: file '/nonexistent/kubeconfig' does not exist" },
        { "Kubernetes:Context", "prod", "Kubernetes:Context: 'prod' is not in" },
        { "Kubernetes:CacheStaleness", "00:00:00", "Kubernetes:CacheStaleness: '00:00:00' must be between 00:00:01 and 01:00:00" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_stops_start_up_with_a_message_naming_it(string key, string value, string message)
    {
        using var app = Build((key, value));

        var validate = () => app.Services.GetRequiredService<IStartupValidator>().Validate();

        validate.Should().Throw<Exception>().Which.ToString().Should().Contain(message);
    }

    [Fact]
    public void Restart_method_is_read_case_insensitively()
    {
        using var app = Build(("Reconciler:RestartMethod", "delete"));

        app.Services.GetRequiredService<IOptions<ReconcilerOptions>>().Value.RestartMethod.Should().Be(RestartMethod.Delete);
    }

    [Fact]
    public void The_client_uses_the_configured_kubeconfig_and_context()
    {
        var config = KubernetesClientFactory.BuildConfiguration(new KubernetesOptions { Kubeconfig = _kubeconfig, Context = "other" });

        config.Host.Should().StartWith("https://other.example:6443");
        config.AccessToken.Should().Be("t0ken");
    }

    [Fact]
    public void The_client_uses_the_current_context_when_none_is_configured()
    {
        var config = KubernetesClientFactory.BuildConfiguration(new KubernetesOptions { Kubeconfig = _kubeconfig });

        config.Host.Should().StartWith("https://sandbox.example:6443");
    }

    [Fact]
    public void A_kubeconfig_reads_as_KubernetesClient_reads_it_with_certificate_files_relative_to_its_directory()
    {
        var directory = Directory.CreateTempSubdirectory("kubeconfig-").FullName;
        try
        {
            TestCertificates.WriteNew(Path.Combine(directory, "ca.crt"), Path.Combine(directory, "ca.key"), "sandbox-ca");
            TestCertificates.WriteNew(Path.Combine(directory, "client.crt"), Path.Combine(directory, "client.key"), "admin");
            var path = Path.Combine(directory, "config");
            var caData = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(directory, "ca.crt")));
            File.WriteAllText(path, $$"""
                apiVersion: v1
                kind: Config
                preferences: {}
                current-context: dev
                clusters:
                - name: dev
                  cluster:
                    server: https://dev.example:6443
                    certificate-authority: ca.crt
                    extensions:
                    - name: client.authentication.k8s.io/exec
                      extension: { audience: dev }
                - name: dev-data
                  cluster: { server: "https://dev.example:6443", certificate-authority-data: {{caData}} }
                - name: insecure
                  cluster: { server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true }
                users:
                - name: admin
                  user:
                    client-certificate: client.crt
                    client-key: client.key
                - name: plugin
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1beta1
                      command: aws
                      args: [eks, get-token, --cluster-name, dev]
                      env: [{ name: AWS_PROFILE, value: dev }]
                      interactiveMode: Never
                - name: robot
                  user: { token: s3cret }
                contexts:
                - name: dev
                  context: { cluster: dev, user: admin, namespace: tools }
                - name: eks
                  context: { cluster: dev, user: plugin }
                - name: robot
                  context: { cluster: insecure, user: robot }
                - name: data
                  context: { cluster: dev-data, user: admin }
                """);

            var config = KubernetesClientFactory.BuildConfiguration(new KubernetesOptions { Kubeconfig = path });
            var expected = k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(path);

            config.Should().BeEquivalentTo(expected, o => o.Including(c => c.Host).Including(c => c.Namespace).Including(c => c.CurrentContext)
                .Including(c => c.ClientCertificateFilePath).Including(c => c.ClientKeyFilePath));
            config.ClientCertificateFilePath.Should().Be(Path.Combine(directory, "client.crt"), "paths are relative to the kubeconfig");
            config.SslCaCerts.Should().ContainSingle().Which.Subject.Should().Be("CN=sandbox-ca");
            KubernetesClientFactory.LoadKubeconfig(path).Users.Should().ContainSingle(u => u.Name == "plugin")
                .Which.UserCredentials.ExternalExecution.Arguments.Should().Equal("eks", "get-token", "--cluster-name", "dev");
            foreach (var context in new[] { "robot", "data" })
            {
                var other = KubernetesClientFactory.BuildConfiguration(new KubernetesOptions { Kubeconfig = path, Context = context });
                other.Should().BeEquivalentTo(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context), o => o
                    .Including(c => c.Host).Including(c => c.AccessToken).Including(c => c.SkipTlsVerify).Including(c => c.CurrentContext), context);
            }

            KubernetesClientFactory.BuildConfiguration(new KubernetesOptions { Kubeconfig = path, Context = "robot" })
                .Should().Match<k8s.KubernetesClientConfiguration>(c => c.SkipTlsVerify && c.AccessToken == "s3cret");
            KubernetesClientFactory.BuildConfiguration(new KubernetesOptions { Kubeconfig = path, Context = "data" })
                .SslCaCerts.Should().ContainSingle().Which.Subject.Should().Be("CN=sandbox-ca");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Registers_the_snapshot_the_caches_as_a_hosted_service_and_a_ready_check()
    {
        using var app = Build();

        var caches = app.Services.GetRequiredService<ClusterCaches>();
        app.Services.GetRequiredService<IClusterSnapshot>().Should().BeOfType<ClusterSnapshot>();
        app.Services.GetServices<IHostedService>().Should().Contain(caches);
        var checks = app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        checks.Should().ContainSingle(r => r.Name == ClusterCachesHealthCheck.Name).Which.Tags.Should().Contain("ready");
    }

    public void Dispose() => File.Delete(_kubeconfig);

    private WebApplication Build(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var configuration = new Dictionary<string, string?> { ["Kubernetes:Kubeconfig"] = _kubeconfig };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddClusterSettings(builder.Configuration);
        builder.AddClusterCaches();
        return builder.Build();
    }
}
