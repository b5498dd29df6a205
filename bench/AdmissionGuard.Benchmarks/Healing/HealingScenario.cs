using System.Diagnostics;
using AdmissionGuard.Cluster;
using AdmissionGuard.Reconciler;
using AdmissionGuard.Sandbox;
using AdmissionGuard.Sandbox.Cilium;
using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Tests.Support;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Benchmarks.Healing;

/// <summary>
/// Healing time against Cilium's unmanaged-pod watcher, as a console scenario (a whole reconciler run is not a
/// BenchmarkDotNet workload). On the sandbox with the simulated cluster, 100 pods start before Cilium is ready
/// (3 DaemonSets on 20 nodes, 4 Deployments of 10 replicas with a PodDisruptionBudget each); then the guard, composed
/// as <c>serve</c> composes it with default settings (interval 15 s, min pod age 30 s, 5 restarts per cycle, one in
/// flight per controller, eviction), heals them through its real caches, loop and Eviction API calls over HTTPS.
/// Time is simulated: one clock drives the API server, the simulated cluster and the guard, and advances by 1 s
/// whenever nothing has changed for 50 ms of real time, so the figure counts the timers, delays and budgets, and
/// never less than the real processing (which only slows the clock down).
/// </summary>
internal static class HealingScenario
{
    private const int Nodes = 20;
    private const int DaemonSets = 3;
    private const int Deployments = 4;
    private const int Replicas = 10;
    private const int Pods = DaemonSets * Nodes + Deployments * Replicas;
    private const string Namespace = "apps";
    private const string ScenarioLabel = "bench";
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan CiliumInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CiliumMinAge = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = clock });
        await using var simulation = new SimulatedCluster(sandbox.Api);
        simulation.Start();
        var api = sandbox.Api;
        Console.WriteLine($"// healing scenario: {Pods} unmanaged pods ({DaemonSets} DaemonSets x {Nodes} nodes, {Deployments} Deployments x {Replicas} replicas with PodDisruptionBudgets)");

        await SeedAsync(simulation);
        await WaitAsync(api, () => ScenarioPods(api).Count(p => p.Status?.Phase == "Running") == Pods, "the pods run", clock);
        await simulation.InstallCiliumAsync();
        await WaitAsync(api, () => api.List<V1Node>().All(n => n.Spec.Taints is null or { Count: 0 }), "Cilium is ready on every node", clock);
        var unmanaged = ScenarioPods(api).Count(p => !Managed(api, p));
        Console.WriteLine($"// Cilium ready on every node; {unmanaged} pods run without a CiliumEndpoint");

        using var certificates = new TempDirectory();
        TestCertificates.WriteNew(certificates.File("tls.crt"), certificates.File("tls.key"));
        var builder = GuardApplication.CreateBuilder(
        [
            $"--Webhook:CertFile={certificates.File("tls.crt")}",
            $"--Webhook:KeyFile={certificates.File("tls.key")}",
            "--Webhook:Port=0",
            "--Webhook:MetricsPort=0",
            $"--Kubernetes:Kubeconfig={sandbox.KubeconfigPath}",
            "--LeaderElection:Enabled=false",
        ]);
        // The figures are the output; the guard's own lines (one per restart) would bury them.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddClusterCaches();
        builder.AddReconciler();
        await using var guard = GuardApplication.Build(builder);

        var started = clock.GetUtcNow();
        var wall = Stopwatch.StartNew();
        await guard.StartAsync();
        await WaitAsync(api, () => Healed(api), "every pod runs managed by Cilium", clock);
        var healing = clock.GetUtcNow() - started;
        wall.Stop();
        await guard.StopAsync();

        var events = api.List<Corev1Event>(Namespace).Concat(api.List<Corev1Event>("kube-system")).ToList();
        var evicted = events.Count(e => e.Reason == "UnmanagedPodEvicted");
        var blocked = events.Count(e => e.Reason == "EvictionBlocked");
        var cilium = CiliumMinAge + (unmanaged - 1) * CiliumInterval;
        Console.WriteLine($"// AdmissionGuard healed {unmanaged} pods in {healing.TotalSeconds:0} s simulated ({wall.Elapsed.TotalSeconds:0.0} s wall): " +
                          $"{evicted} evictions, {blocked} refused by a PodDisruptionBudget and retried");
        Console.WriteLine($"// Cilium's watcher (one delete per {CiliumInterval.TotalSeconds:0} s after {CiliumMinAge.TotalSeconds:0} s): at least {cilium.TotalSeconds:0} s ({cilium.TotalMinutes:0.0} min), {cilium / healing:0.0}x longer");
        return 0;
    }

    private static async Task SeedAsync(SimulatedCluster simulation)
    {
        var api = simulation.Api;
        for (var n = 0; n < Nodes; n++)
        {
            await simulation.AddNodeAsync($"node-{n:d2}");
        }

        await api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } });
        for (var d = 0; d < DaemonSets; d++)
        {
            await api.CreateAsync(SimulatedWorkloads.DaemonSet($"node-agent-{d}", "kube-system", Labels($"node-agent-{d}"), "registry.example/agent:1.0", hostNetwork: false,
                [new V1Toleration { OperatorProperty = "Exists", Effect = "NoExecute" }]));
        }

        for (var d = 0; d < Deployments; d++)
        {
            var name = $"service-{d}";
            await api.CreateAsync(new V1Deployment
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
                Spec = new V1DeploymentSpec
                {
                    Replicas = Replicas,
                    Selector = new V1LabelSelector { MatchLabels = Labels(name) },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = Labels(name) },
                        Spec = new V1PodSpec
                        {
                            Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
                            Containers = [new V1Container { Name = name, Image = "registry.example/service:1.0" }],
                        },
                    },
                },
            });
            await api.CreateAsync(new V1PodDisruptionBudget
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
                Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = Labels(name) } },
            });
        }
    }

    private static Dictionary<string, string> Labels(string app) => new() { ["app"] = app, [ScenarioLabel] = "healing" };

    private static IEnumerable<V1Pod> ScenarioPods(Sandbox.Api.ClusterApi api) =>
        api.List<V1Pod>(options: new Sandbox.Api.ListOptions { LabelSelector = $"{ScenarioLabel}=healing" });

    private static bool Managed(Sandbox.Api.ClusterApi api, V1Pod pod) =>
        api.Get<CiliumEndpoint>(pod.Metadata.NamespaceProperty, pod.Metadata.Name) is { } endpoint
        && endpoint.Metadata.OwnerReferences?.Any(o => o.Uid == pod.Metadata.Uid) == true;

    private static bool Healed(Sandbox.Api.ClusterApi api)
    {
        var pods = ScenarioPods(api).ToList();
        return pods.Count == Pods && pods.All(p => p.Status?.Phase == "Running" && p.Metadata.DeletionTimestamp is null && Managed(api, p));
    }

    private static async Task WaitAsync(Sandbox.Api.ClusterApi api, Func<bool> condition, string what, FakeTimeProvider clock)
    {
        if (!await ClusterWait.UntilAsync(api, condition, TimeSpan.FromMinutes(15), () => clock.Advance(Tick), Quiet))
        {
            throw new TimeoutException($"healing scenario: timed out waiting until {what}");
        }
    }
}
