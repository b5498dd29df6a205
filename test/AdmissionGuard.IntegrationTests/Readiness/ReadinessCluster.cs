using AdmissionGuard.Core;
using AdmissionGuard.IntegrationTests.Scenarios.Support;
using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Simulation;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Readiness;

/// <summary>
/// One guard (what <c>serve</c> wires) on the sandbox, with the scenarios' short timings, and the cluster operations the
/// readiness tests need: pinned pods, untainting a node by hand, waiting for reconcile cycles.
/// </summary>
internal sealed class ReadinessCluster(GuardOnSandbox playground) : IAsyncDisposable
{
    public const string Namespace = "apps";

    public GuardOnSandbox Playground => playground;

    public Kubernetes Client => playground.Client;

    public static async Task<ReadinessCluster> StartAsync(string mode, bool setNodeTaints = true, CancellationToken cancellationToken = default)
    {
        var setup = new GuardSetup { Mode = mode };
        var playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions
            {
                Mode = mode,
                Settings = setup.AllSettings(),
                Simulation = new SimulationOptions
                {
                    StartupDelay = TimeSpan.FromMilliseconds(200),
                    CiliumAgentStartupDelay = TimeSpan.FromSeconds(1),
                    SchedulerInitialBackoff = TimeSpan.FromMilliseconds(200),
                    SchedulerMaxBackoff = TimeSpan.FromSeconds(1),
                    CiliumSetNodeTaints = setNodeTaints,
                },
            },
            cancellationToken);
        var cluster = new ReadinessCluster(playground);
        await Workloads.CreateNamespaceAsync(playground.Client, Namespace, cancellationToken);
        return cluster;
    }

    /// <summary>A tainted node, once the guard's cache knows it.</summary>
    public async Task AddNodeAsync(string node, bool tainted, CancellationToken cancellationToken)
    {
        await playground.Cluster.AddNodeAsync(node, new NodeSetup { CiliumTaint = tainted }, cancellationToken);
        await playground.WaitUntilCachedAsync(snapshot => snapshot.GetNode(node) is not null, $"node {node}", cancellationToken: cancellationToken);
    }

    /// <summary><c>kubectl taint nodes NODE node.cilium.io/agent-not-ready-</c>, then waits for the guard's cache to see it.</summary>
    public async Task RemoveTaintAsync(string node, CancellationToken cancellationToken)
    {
        var current = await Client.CoreV1.ReadNodeAsync(node, cancellationToken: cancellationToken);
        current.Spec.Taints = [.. (current.Spec.Taints ?? []).Where(t => t.Key != WellKnown.CiliumAgentNotReadyTaint)];
        await Client.CoreV1.ReplaceNodeAsync(current, node, cancellationToken: cancellationToken);
        await playground.WaitUntilCachedAsync(
            snapshot => snapshot.GetNode(node) is { Taints.Count: 0 }, $"node {node} without taints", cancellationToken: cancellationToken);
    }

    /// <summary>A bare pod that tolerates every taint, pinned like a DaemonSet pod (matchFields metadata.name).</summary>
    /// <param name="gated">Created with the guard's gate already on (as the webhook would add it).</param>
    public Task<V1Pod> CreatePinnedPodAsync(string name, string node, bool gated, CancellationToken cancellationToken) =>
        Client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
                Spec = new V1PodSpec
                {
                    Tolerations = Workloads.BlanketToleration,
                    Containers = [new V1Container { Name = "app", Image = Workloads.Image }],
                    SchedulingGates = gated ? [new V1PodSchedulingGate { Name = WellKnown.SchedulingGate }] : null,
                    Affinity = new V1Affinity
                    {
                        NodeAffinity = new V1NodeAffinity
                        {
                            RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                            {
                                NodeSelectorTerms =
                                [
                                    new V1NodeSelectorTerm { MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [node] }] },
                                ],
                            },
                        },
                    },
                },
            },
            Namespace,
            cancellationToken: cancellationToken);

    public async Task<PodState> PodAsync(string name, CancellationToken cancellationToken) =>
        PodState.From(await Client.CoreV1.ReadNamespacedPodAsync(name, Namespace, cancellationToken: cancellationToken));

    /// <summary>
    /// Waits until the leader has finished <paramref name="cycles"/> more reconcile cycles: what it would do, it has done.
    /// </summary>
    public async Task AfterReconcileCyclesAsync(int cycles, CancellationToken cancellationToken)
    {
        const string Cycles = "admissionguard_reconcile_duration_seconds_count";
        var leader = playground.Leader ?? throw new InvalidOperationException("no leader");
        var start = (await GuardMetrics.ScrapeAsync(leader, cancellationToken)).Sample(Cycles);
        await playground.WaitUntilAsync(
            async () => (await GuardMetrics.ScrapeAsync(leader, cancellationToken)).Sample(Cycles) >= start + cycles,
            $"{cycles} more reconcile cycles",
            Observe.Patience,
            cancellationToken);
    }

    public ValueTask DisposeAsync() => playground.DisposeAsync();
}
