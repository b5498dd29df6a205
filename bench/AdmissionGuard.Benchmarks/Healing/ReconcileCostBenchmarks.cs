using AdmissionGuard.Benchmarks.Cluster;
using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using BenchmarkDotNet.Attributes;
using k8s.Models;

namespace AdmissionGuard.Benchmarks.Healing;

/// <summary>
/// The CPU cost of a reconcile cycle's decisions at 50,000 pods (1,000 nodes, every agent Ready), read through the
/// production snapshot: classifying every pod (<see cref="UnmanagedPodDetector"/>), planning restarts for the
/// 1,000 unmanaged ones (every 50th pod has no CiliumEndpoint) with the default budget (<see cref="RestartPlanner"/>),
/// planning gate releases, each controller's room for restarts (<see cref="RestartRoom"/>), and all of them together as
/// one cycle decides them, and recording a cycle's restarts. API calls are not included. The detector follows the snapshot's pod changes and remembers its
/// verdicts between passes (as the reconcile loop's does), so classifying is measured twice: a first pass, which judges
/// every pod, and a pass over an unchanged cluster.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ReconcileCostBenchmarks
{
    private const int PodCount = 50_000;
    private const int UnmanagedEvery = 50;
    private static readonly DateTimeOffset Now = new DateTimeOffset(SyntheticPods.Started).AddHours(2);
    private static readonly HealingPolicy Policy = new(
        [WellKnown.CiliumAgentNotReadyTaint], ExclusionPolicy.None, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), false);

    private static readonly RestartBudget Budget = new(MaxRestartsPerCycle: 5, PodCooldown: TimeSpan.FromMinutes(5), DryRun: false);
    private readonly RestartLedger _ledger = new();
    private readonly Dictionary<string, WorkloadOwner> _noOwners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _noRestarts = [];
    private ClusterCaches _caches = null!;
    private ClusterSnapshot _snapshot = null!;
    private UnmanagedPodDetector _detector = null!;
    private List<PodFacts> _unmanaged = [];

    [GlobalSetup]
    public void Setup()
    {
        _caches = SyntheticCluster.FillAsync(new ClusterSources(
            new SyntheticPodSource(PodCount),
            new FixedSource<DecodedPod>("agent pods", [.. Enumerable.Range(0, SyntheticPods.Nodes).Select(node => SyntheticPods.Decode(SyntheticCluster.AgentPod(node, ready: true)))]),
            new FixedSource<V1Node>("nodes", [.. Enumerable.Range(0, SyntheticPods.Nodes).Select(node => SyntheticCluster.Node(node))]),
            new FixedSource<V1Namespace>("namespaces"),
            new FixedSource<CiliumEndpoint>("ciliumendpoints", [.. Enumerable.Range(0, PodCount).Where(i => i % UnmanagedEvery != 0).Select(Endpoint)]),
            new FixedSource<V1Lease>("lease"),
            new FixedSource<V1PodDisruptionBudget>("poddisruptionbudgets"))).GetAwaiter().GetResult();
        _snapshot = new ClusterSnapshot(_caches, TimeProvider.System);
        _detector = new UnmanagedPodDetector(Policy, _snapshot.FollowPodChanges());
        _unmanaged = [.. _detector.Detect(_snapshot, Now).Unmanaged.Select(c => c.Pod)];
        if (_unmanaged.Count != PodCount / UnmanagedEvery)
        {
            throw new InvalidOperationException($"expected {PodCount / UnmanagedEvery} unmanaged pods, found {_unmanaged.Count}: the benchmark would measure another cluster");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _caches.Dispose();

    // Without a feed, as a first pass: a detector that followed the caches here would subscribe once per invocation.
    [Benchmark(Description = "classify 50,000 pods, first pass: every pod judged (UnmanagedPodDetector)")]
    public int DetectFirst() => new UnmanagedPodDetector(Policy).Detect(_snapshot, Now).Unmanaged.Count;

    [Benchmark(Description = "classify 50,000 pods, none changed since the last pass (UnmanagedPodDetector)")]
    public int Detect() => _detector.Detect(_snapshot, Now).Unmanaged.Count;

    [Benchmark(Description = "plan restarts of 1,000 unmanaged pods (RestartPlanner)")]
    public int PlanRestarts() => RestartPlanner.Plan(_unmanaged, RestartRoom.Empty, _noOwners, _noRestarts, Budget, Now).Count(step => step.Acts);

    [Benchmark(Description = "plan gate releases over 50,000 pods (GateReleasePlanner)")]
    public int PlanGateReleases() => GateReleasePlanner.Plan(_snapshot, Policy, Now).Count;

    [Benchmark(Description = "room for restarts of every controller over 50,000 pods (RestartRoom)")]
    public int Room() => RestartRoom.From(_detector.Detect(_snapshot, Now), _ledger.InFlight).UnavailableByOwner.Count;

    [Benchmark(Description = "one cycle's decisions: gates, classification, ledger, room, restart plan")]
    public int CycleDecisions()
    {
        var gates = GateReleasePlanner.Plan(_snapshot, Policy, Now);
        var detection = _detector.Detect(_snapshot, Now);
        _ledger.Settle(detection, Budget.PodCooldown, Now);
        var room = RestartRoom.From(detection, _ledger.InFlight);
        return gates.Count + RestartPlanner.Plan(detection.Unmanaged.Select(c => c.Pod), room, _noOwners, _noRestarts, Budget, Now).Count(step => step.Acts);
    }

    // A cycle of a mass heal: each restart remembers which pods its controller had, so that a new one counts as its
    // replacement; then the next cycle settles them.
    [Benchmark(Description = "record 100 restarts over 50,000 pods, then settle them (RestartLedger)")]
    public int RecordRestarts()
    {
        var ledger = new RestartLedger();
        var detection = _detector.Detect(_snapshot, Now);
        foreach (var pod in _unmanaged.Take(100))
        {
            ledger.RecordRestart(pod, detection, Now);
        }

        ledger.Settle(_detector.Detect(_snapshot, Now), Budget.PodCooldown, Now);
        return ledger.InFlight.Count;
    }

    private static CiliumEndpoint Endpoint(int index)
    {
        var pod = SyntheticPods.Pod(index);
        return new CiliumEndpoint
        {
            Metadata = new V1ObjectMeta
            {
                Name = pod.Metadata.Name,
                NamespaceProperty = pod.Metadata.NamespaceProperty,
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, Uid = pod.Metadata.Uid }],
            },
            Status = new CiliumEndpointStatus { State = "ready" },
        };
    }
}
