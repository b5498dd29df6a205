using System.Diagnostics;
using System.Globalization;
using AdmissionGuard.Cluster;
using AdmissionGuard.Reconciler;
using AdmissionGuard.Sandbox;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Cilium;
using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Store;
using AdmissionGuard.Tests.Support;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Benchmarks.Healing;

/// <summary>
/// Healing time under real timings against the lower bound and Cilium's unmanaged-pod watcher, as a console scenario
/// (a whole reconciler run is not a BenchmarkDotNet workload). On the sandbox, every pod starts before Cilium is
/// ready: DaemonSets <c>ds-10pct</c> and <c>ds-25pct</c> (rollingUpdate.maxUnavailable 10% and 25%, tolerating
/// everything) on every node, and 4 Deployments of 10 replicas with a PodDisruptionBudget <c>maxUnavailable: 1</c>
/// each. Deleted pods terminate for their whole grace period (the DaemonSet replaces them only then), new pods are
/// Ready with their CiliumEndpoint <c>--start</c> seconds after binding. Then the guard, composed as <c>serve</c>
/// composes it with default settings, heals them through its real caches, loop and Eviction API calls over HTTPS.
/// Time is simulated: one clock drives the API server, the simulated cluster and the guard. Whenever nothing has changed
/// for 50 ms of real time and the rest of the process is idle, it moves straight to its next due timer (nothing can
/// happen in between), so the figure counts the timers, delays and budgets, and the wall time the work.
/// </summary>
internal static class HealingScenario
{
    private const int Deployments = 4;
    private const int Replicas = 10;
    internal const string Namespace = "apps";
    private const string ScenarioLabel = "bench";
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    internal const string Usage = "usage: healing-scenario [--nodes N] [--grace SECONDS] [--start SECONDS] [--concurrency OwnerBudget|One|N] [--plot FILE.svg]";
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan CiliumInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CiliumMinAge = TimeSpan.FromSeconds(30);
    private static readonly (string Name, int Percent)[] DaemonSets = [("ds-10pct", 10), ("ds-25pct", 25)];

    public static async Task<int> RunAsync(string[] args)
    {
        if (!ScenarioOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync($"healing-scenario: {error}\n{Usage}");
            return 2;
        }

        var clock = new TimerJumpingClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var driver = new SimulatedTimeDriver(clock, Tick);
        var simulation = new SimulationOptions
        {
            StartupDelay = options.Start,
            CiliumEndpointDelay = options.Start,
            CiliumAgentStartupDelay = options.Start + TimeSpan.FromSeconds(5),
        };
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = clock });
        await using var cluster = new SimulatedCluster(sandbox.Api, simulation);
        cluster.Start();
        var api = sandbox.Api;
        var pods = DaemonSets.Length * options.Nodes + (Deployments * Replicas);
        Console.WriteLine($"// healing scenario: {options.Nodes} nodes, grace {options.Grace.TotalSeconds:0} s, start {options.Start.TotalSeconds:0} s, concurrency {options.Concurrency}; " +
                          $"{pods} pods ({string.Join(", ", DaemonSets.Select(d => d.Name))} x {options.Nodes} nodes, {Deployments} Deployments x {Replicas} with PodDisruptionBudgets maxUnavailable 1)");

        await SeedAsync(cluster, options);
        await WaitAsync(api, () => ScenarioPods(api).Count(p => p.Status?.Phase == "Running") == pods, "the pods run", driver);
        await cluster.InstallCiliumAsync();
        await WaitAsync(api, () => api.List<V1Node>().All(n => n.Spec.Taints is null or { Count: 0 }), "Cilium is ready on every node", driver);
        // Old enough for the guard's minimum pod age (and Cilium's 30 s), as in a cluster that has run a while.
        clock.Advance(CiliumMinAge);
        var unmanaged = ScenarioPods(api).Count(p => !Managed(api, p));

        var observer = new HealingObserver(api, options.Nodes, clock);
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
            $"--Reconciler:Concurrency={options.Concurrency}",
        ]);
        // The figures are the output; the guard's own lines (one per restart) would bury them.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddClusterCaches();
        builder.AddReconciler();
        await using var guard = GuardApplication.Build(builder);

        var wall = Stopwatch.StartNew();
        await guard.StartAsync();
        await WaitAsync(api, () => observer.Sample() == 0, "every pod runs managed by Cilium", driver, TimeSpan.FromMinutes(30));
        var healing = observer.Elapsed;
        wall.Stop();
        await guard.StopAsync();

        var events = api.List<Corev1Event>(Namespace).ToList();
        var evicted = events.Count(e => e.Reason == "UnmanagedPodEvicted");
        var refused = events.Where(e => e.Reason == "EvictionBlocked").Sum(e => e.Count ?? 1);
        var bound = LowerBound(options);
        var cilium = CiliumWatcher(unmanaged, options);
        var violations = observer.Violations(Allowances(options));
        Console.WriteLine($"// simulated clock: moved {driver.Moves} times after a quiet period, {driver.Forced} of them while a thread stayed busy");
        Console.WriteLine();
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| unmanaged pods | {unmanaged} |");
        Console.WriteLine($"| AdmissionGuard ({options.Concurrency}) | {healing.TotalSeconds:0} s simulated ({wall.Elapsed.TotalSeconds:0.0} s wall) |");
        Console.WriteLine($"| lower bound (slowest controller's waves x time per wave) | {bound.TotalSeconds:0} s ({healing / bound:0.00}x) |");
        Console.WriteLine($"| Cilium's watcher (one delete per {CiliumInterval.TotalSeconds:0} s, budgets ignored) | {cilium.TotalSeconds:0} s ({cilium / healing:0.0}x slower) |");
        foreach (var (controller, allowance) in Allowances(options))
        {
            Console.WriteLine($"| most {controller} pods unavailable at once / allowance | {observer.MostUnavailable.GetValueOrDefault(controller)} / {allowance} |");
        }

        Console.WriteLine($"| evictions / refused by a PodDisruptionBudget (retried) | {evicted} / {refused} |");
        Console.WriteLine($"| violations (PodDisruptionBudget or allowance exceeded) | {violations} |");
        if (options.Plot is { } plot)
        {
            HealingPlot.Write(plot, observer.Timeline, CiliumTimeline(unmanaged, options), bound, unmanaged, options);
            Console.WriteLine($"// plot: {Path.GetFullPath(plot)}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"healing: pods={unmanaged} guard={(long)Math.Round(healing.TotalSeconds)}s bound={(long)bound.TotalSeconds}s cilium={(long)cilium.TotalSeconds}s violations={violations}"));
        return 0;
    }

    /// <summary>What each controller may have unavailable at once: its rollout allowance, or its budget's 1.</summary>
    private static Dictionary<string, int> Allowances(ScenarioOptions options) =>
        DaemonSets.ToDictionary(d => d.Name, d => (int)Math.Ceiling(d.Percent * options.Nodes / 100.0))
            .Concat(Enumerable.Range(0, Deployments).Select(d => KeyValuePair.Create($"service-{d}", 1)))
            .ToDictionary();

    /// <summary>
    /// The slowest controller's waves times the time a wave takes: a DaemonSet pod's replacement comes only after the
    /// old one has terminated (grace + start); a Deployment's at once (start), one at a time under its budget.
    /// </summary>
    private static TimeSpan LowerBound(ScenarioOptions options)
    {
        var daemonSets = DaemonSets.Max(d => (int)Math.Ceiling(options.Nodes / Math.Ceiling(d.Percent * options.Nodes / 100.0)) * (options.Grace + options.Start));
        var deployments = Replicas * options.Start;
        return daemonSets > deployments ? daemonSets : deployments;
    }

    /// <summary>Cilium's watcher: the pods already older than 30 s, one delete per interval; each healed grace + start later.</summary>
    private static TimeSpan CiliumWatcher(int unmanaged, ScenarioOptions options) =>
        ((unmanaged - 1) * CiliumInterval) + options.Grace + options.Start;

    private static IReadOnlyList<(double Seconds, int Unmanaged)> CiliumTimeline(int unmanaged, ScenarioOptions options)
    {
        var perPod = (options.Grace + options.Start).TotalSeconds;
        return [(0, unmanaged), .. Enumerable.Range(0, unmanaged).Select(i => ((i * CiliumInterval.TotalSeconds) + perPod, unmanaged - i - 1))];
    }

    private static async Task SeedAsync(SimulatedCluster cluster, ScenarioOptions options)
    {
        var api = cluster.Api;
        for (var n = 0; n < options.Nodes; n++)
        {
            await cluster.AddNodeAsync($"node-{n:d4}");
        }

        await api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } });
        var grace = (long)options.Grace.TotalSeconds;
        foreach (var (name, percent) in DaemonSets)
        {
            var daemonSet = SimulatedWorkloads.DaemonSet(name, Namespace, Labels(name), "registry.example/agent:1.0", hostNetwork: false,
                [new V1Toleration { OperatorProperty = "Exists" }]);
            daemonSet.Spec.Template.Spec.TerminationGracePeriodSeconds = grace;
            daemonSet.Spec.UpdateStrategy = new V1DaemonSetUpdateStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = $"{percent}%" },
            };
            await api.CreateAsync(daemonSet);
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
                            TerminationGracePeriodSeconds = grace,
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

    internal static IEnumerable<V1Pod> ScenarioPods(ClusterApi api) => ScenarioPodObjects(api).Select(p => p.ToModel<V1Pod>());

    internal static IReadOnlyList<StoredObject> ScenarioPodObjects(ClusterApi api) =>
        api.List(ResourceTypes.Pods, Namespace, new ListOptions { LabelSelector = $"{ScenarioLabel}=healing" }).Items;

    internal static bool Managed(ClusterApi api, V1Pod pod) =>
        api.Get<CiliumEndpoint>(pod.Metadata.NamespaceProperty, pod.Metadata.Name) is { } endpoint
        && endpoint.Metadata.OwnerReferences?.Any(o => o.Uid == pod.Metadata.Uid) == true;

    private static async Task WaitAsync(ClusterApi api, Func<bool> condition, string what, SimulatedTimeDriver driver, TimeSpan? timeout = null)
    {
        if (!await ClusterWait.UntilAsync(api, condition, timeout ?? TimeSpan.FromMinutes(15), driver.Advance, Quiet))
        {
            throw new TimeoutException($"healing scenario: timed out waiting until {what}");
        }
    }
}
