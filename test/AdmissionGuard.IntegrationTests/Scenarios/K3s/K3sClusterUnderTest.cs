using System.Globalization;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.IntegrationTests.Scenarios.Support;
using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Http;
using AdmissionGuard.Sandbox.Simulation;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Testcontainers.K3s;

namespace AdmissionGuard.IntegrationTests.Scenarios.K3s;

/// <summary>
/// A single-node K3s in Docker, with the guard running in this process (as <c>serve</c> composes it) against it.
/// K3s calls the webhooks at <c>https://host.docker.internal:port</c> (the host gateway), with the shipped
/// configurations otherwise unchanged. There is no Cilium: a stand-in agent DaemonSet (pause, hostNetwork,
/// <c>k8s-app=cilium</c>) plus this class removing a node's taint once its agent pod is Ready play the operator.
/// Nothing creates CiliumEndpoints, and there is one node, so the scenarios that need either skip.
/// </summary>
internal sealed class K3sClusterUnderTest : IClusterUnderTest
{
    private const string K3sImage = "rancher/k3s:v1.32.5-k3s1";
    private const string HostName = "host.docker.internal";

    private readonly K3sContainer _container;
    private readonly GuardSetup _setup;
    private readonly List<DirectoryInfo> _directories = [];
    private readonly SandboxCertificates _certificates = SandboxCertificates.Create("admissionguard-webhook", HostName);
    private readonly List<GuardInstance> _guards = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _operator = Task.CompletedTask;
    private bool _nodeTainted;

    private K3sClusterUnderTest(K3sContainer container, GuardSetup setup, string kubeconfigPath)
    {
        _container = container;
        _setup = setup;
        KubeconfigPath = kubeconfigPath;
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath));
    }

    public string Name => "k3s";

    public Kubernetes Client { get; }

    public string KubeconfigPath { get; }

    public CapturedLog Log { get; } = new();

    public IReadOnlyList<GuardInstance> Guards => _guards;

    /// <summary>Skips (quickly) when no Docker engine answers; otherwise starts K3s and the guard instances.</summary>
    public static async Task<IClusterUnderTest> StartAsync(GuardSetup setup, CancellationToken cancellationToken)
    {
        await DockerEngine.RequireAsync();
        var container = new K3sBuilder(K3sImage).WithExtraHost(HostName, "host-gateway").Build();
        await container.StartAsync(cancellationToken);
        var directory = Directory.CreateTempSubdirectory("admissionguard-k3s-");
        var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, await container.GetKubeconfigAsync(), cancellationToken);
        var cluster = new K3sClusterUnderTest(container, setup, kubeconfig);
        cluster._directories.Add(directory);
        try
        {
            await Workloads.CreateNamespaceAsync(cluster.Client, GuardOnSandbox.GuardNamespace, cancellationToken);
            for (var i = 1; i <= setup.Instances; i++)
            {
                await cluster.StartGuardAsync(string.Create(CultureInfo.InvariantCulture, $"guard-{i}"), cancellationToken);
            }

            await cluster.RegisterWebhooksAsync(cancellationToken);
            await cluster.WaitForLeaderAsync(Observe.Patience, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public bool Supports(ClusterFeature feature) => false;

    public void Require(ClusterFeature feature) => Assert.Skip(feature switch
    {
        ClusterFeature.CiliumEndpoints => "K3s runs a stand-in Cilium agent that creates no CiliumEndpoints: healing needs the sandbox's simulated Cilium",
        ClusterFeature.SeveralNodes => "the K3s container is a single node",
        _ => "K3s has no fault injection: Lease write failures need the sandbox",
    });

    public async Task<IReadOnlyList<string>> AddTaintedNodesAsync(int count, CancellationToken cancellationToken)
    {
        if (_nodeTainted)
        {
            Require(ClusterFeature.SeveralNodes);
        }

        var node = (await Client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken)).Items.Single();
        node.Spec.Taints = [.. node.Spec.Taints ?? [], new V1Taint { Key = WellKnown.CiliumAgentNotReadyTaint, Value = "true", Effect = "NoExecute" }];
        await Client.CoreV1.ReplaceNodeAsync(node, node.Metadata.Name, cancellationToken: cancellationToken);
        _nodeTainted = true;
        return [node.Metadata.Name];
    }

    public async Task InstallCiliumAsync(IReadOnlyCollection<string>? withoutAgentOn, CancellationToken cancellationToken)
    {
        if (withoutAgentOn is { Count: > 0 })
        {
            Require(ClusterFeature.SeveralNodes);
        }

        var agent = SimulatedWorkloads.DaemonSet(
            "cilium", SimulatedWorkloads.SystemNamespace, new Dictionary<string, string> { ["k8s-app"] = "cilium" }, Workloads.Image,
            hostNetwork: true, Workloads.BlanketToleration);
        await Client.AppsV1.CreateNamespacedDaemonSetAsync(agent, SimulatedWorkloads.SystemNamespace, cancellationToken: cancellationToken);
        _operator = Task.Run(() => UntaintNodesWithReadyAgentsAsync(_stop.Token), CancellationToken.None);
    }

    public Task WaitUntilCachedAsync(Func<IClusterSnapshot, bool> condition, string what, CancellationToken cancellationToken) =>
        Observe.UntilAsync(
            () => Task.FromResult(_guards.Where(g => g.IsRunning).All(g => condition(g.Services.GetRequiredService<IClusterSnapshot>()))),
            $"every guard's cache to show {what}", cancellationToken);

    public async Task<GuardInstance> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        GuardInstance? leader = null;
        await GuardOnSandbox.PollAsync(
            () => Task.FromResult((leader = _guards.FirstOrDefault(g => g.IsLeader)) is not null && _guards.Where(g => g.IsRunning).All(g => g.SeesLeader)),
            "a guard to lead and every guard to see its Lease", timeout, cancellationToken);
        return leader!;
    }

    public void FailLeaseWrites(bool fail) => Require(ClusterFeature.FaultInjection);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _operator;
        foreach (var guard in _guards)
        {
            await guard.StopAsync(CancellationToken.None);
        }

        Client.Dispose();
        await _container.DisposeAsync();
        _certificates.Dispose();
        _directories.ForEach(d => d.Delete(recursive: true));
        _stop.Dispose();
    }

    private async Task StartGuardAsync(string identity, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory($"admissionguard-k3s-{identity}-");
        _directories.Add(directory);
        var certFile = Path.Combine(directory.FullName, "tls.crt");
        var keyFile = Path.Combine(directory.FullName, "tls.key");
        _certificates.WriteServingPem(certFile, keyFile);
        string[] arguments =
        [
            "--Webhook:Port=0", "--Webhook:MetricsPort=0", $"--Webhook:CertFile={certFile}", $"--Webhook:KeyFile={keyFile}",
            $"--Kubernetes:Kubeconfig={KubeconfigPath}", $"--LeaderElection:Identity={identity}",
            .. _setup.AllSettings().Select(s => $"--{s.Key}={s.Value}"),
        ];
        var app = GuardApplication.BuildGuard(arguments, builder =>
        {
            builder.Logging.ClearProviders();
            Log.Configure(builder.Logging);
            builder.Services.Replace(ServiceDescriptor.Singleton(global::Prometheus.Metrics.NewCustomRegistry()));
        });
        await app.StartAsync(cancellationToken);
        var guard = new GuardInstance(identity, app, app.GetGuardAddresses(), OnStoppedAsync);
        _guards.Add(guard);
        using var health = new HttpClient { BaseAddress = guard.Addresses.Health };
        await Observe.UntilAsync(
            async () => (await health.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken)).IsSuccessStatusCode,
            $"{identity} to pass /readyz", cancellationToken);
    }

    /// <summary>The shipped configurations, calling the first running guard through the host gateway.</summary>
    private async Task RegisterWebhooksAsync(CancellationToken cancellationToken)
    {
        var (mutating, validating) = WebhooksCalling(_guards.First(g => g.IsRunning));
        await Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(mutating, cancellationToken: cancellationToken);
        await Client.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(validating, cancellationToken: cancellationToken);
    }

    private (V1MutatingWebhookConfiguration Mutating, V1ValidatingWebhookConfiguration Validating) WebhooksCalling(GuardInstance guard)
    {
        var (mutating, validating) = ShippedWebhooks.Load(_certificates.AuthorityPem);
        foreach (var clientConfig in mutating.Webhooks.Select(w => w.ClientConfig).Concat(validating.Webhooks.Select(w => w.ClientConfig)))
        {
            clientConfig.Url = string.Create(CultureInfo.InvariantCulture, $"https://{HostName}:{guard.Addresses.WebhookPort}{clientConfig.Service?.Path}");
            clientConfig.Service = null;
        }

        return (mutating, validating);
    }

    /// <summary>Like the Service's endpoints: when the guard the webhooks call goes, they call another running one.</summary>
    private async ValueTask OnStoppedAsync(GuardInstance stopped)
    {
        if (_guards.FirstOrDefault(g => g.IsRunning && g != stopped) is not { } next)
        {
            return;
        }

        var (mutating, validating) = WebhooksCalling(next);
        var current = await Client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(mutating.Metadata.Name);
        mutating.Metadata.ResourceVersion = current.Metadata.ResourceVersion;
        await Client.AdmissionregistrationV1.ReplaceMutatingWebhookConfigurationAsync(mutating, mutating.Metadata.Name);
        var currentValidating = await Client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(validating.Metadata.Name);
        validating.Metadata.ResourceVersion = currentValidating.Metadata.ResourceVersion;
        await Client.AdmissionregistrationV1.ReplaceValidatingWebhookConfigurationAsync(validating, validating.Metadata.Name);
    }

    /// <summary>Cilium's operator, reduced to what the guard watches: a Ready agent pod removes its node's taint.</summary>
    private async Task UntaintNodesWithReadyAgentsAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var agents = await Client.CoreV1.ListNamespacedPodAsync(SimulatedWorkloads.SystemNamespace, labelSelector: "k8s-app=cilium", cancellationToken: cancellationToken);
                foreach (var node in agents.Items.Where(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true).Select(p => p.Spec.NodeName))
                {
                    var current = await Client.CoreV1.ReadNodeAsync(node, cancellationToken: cancellationToken);
                    if (current.Spec.Taints?.Any(t => t.Key == WellKnown.CiliumAgentNotReadyTaint) == true)
                    {
                        // The resourceVersion makes this a compare-and-swap, as an operator's update would be.
                        current.Spec.Taints = [.. current.Spec.Taints.Where(t => t.Key != WellKnown.CiliumAgentNotReadyTaint)];
                        await Client.CoreV1.ReplaceNodeAsync(current, node, cancellationToken: cancellationToken);
                    }
                }

                // The operator's resync period: it polls rather than watches, which is enough for a stand-in.
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
