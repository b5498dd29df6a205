using AdmissionGuard.Benchmarks.Cluster;
using AdmissionGuard.Cluster;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Pods;
using BenchmarkDotNet.Attributes;

namespace AdmissionGuard.Benchmarks.Admission;

/// <summary>
/// What one admission decision costs (Core <see cref="PodAdmission"/>) on a 1,000-node cluster read through the
/// production snapshot: the decision alone, without HTTP or JSON. The unpinned cases look at every node.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AdmissionDecisionBenchmarks
{
    private readonly AdmissionPolicy _policy = AdmissionPolicy.Default;
    private ClusterCaches _caches = null!;
    private ClusterSnapshot _snapshot = null!;
    private PodFacts _pinnedToTainted = null!;
    private PodFacts _pinnedToReady = null!;
    private PodFacts _unpinnedTolerating = null!;
    private PodFacts _unpinnedPlain = null!;
    private PodBinding _bindingToTainted = null!;
    private PodBinding _bindingToReady = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_caches, _snapshot) = AdmissionCluster.StartAsync().GetAwaiter().GetResult();
        _pinnedToTainted = SyntheticPods.Decode(AdmissionCluster.DaemonSetPod(AdmissionCluster.TaintedNode)).Fields.ToPodFacts();
        _pinnedToReady = SyntheticPods.Decode(AdmissionCluster.DaemonSetPod(AdmissionCluster.ReadyNode)).Fields.ToPodFacts();
        _unpinnedTolerating = SyntheticPods.Decode(AdmissionCluster.UnpinnedPod(tolerateEverything: true)).Fields.ToPodFacts();
        _unpinnedPlain = SyntheticPods.Decode(AdmissionCluster.UnpinnedPod(tolerateEverything: false)).Fields.ToPodFacts();
        _bindingToTainted = new PodBinding("default", "web", AdmissionCluster.TaintedNode);
        _bindingToReady = new PodBinding("default", "web", AdmissionCluster.ReadyNode);
    }

    [GlobalCleanup]
    public void Cleanup() => _caches.Dispose();

    [Benchmark(Description = "create: DaemonSet pod pinned to a tainted node (gate)")]
    public AdmissionOutcome PinnedToTaintedNode() => PodAdmission.DecideCreate(_pinnedToTainted, _snapshot, _policy).Outcome;

    [Benchmark(Description = "create: DaemonSet pod pinned to a ready node (allow)")]
    public AdmissionOutcome PinnedToReadyNode() => PodAdmission.DecideCreate(_pinnedToReady, _snapshot, _policy).Outcome;

    [Benchmark(Description = "create: unpinned pod tolerating everything (warn, the 100 tainted of 1,000 nodes looked at)")]
    public AdmissionOutcome UnpinnedTolerating() => PodAdmission.DecideCreate(_unpinnedTolerating, _snapshot, _policy).Outcome;

    [Benchmark(Description = "create: unpinned pod without tolerations (allow, the 100 tainted of 1,000 nodes looked at)")]
    public AdmissionOutcome UnpinnedPlain() => PodAdmission.DecideCreate(_unpinnedPlain, _snapshot, _policy).Outcome;

    [Benchmark(Description = "binding onto a tainted node (deny)")]
    public AdmissionOutcome BindingToTaintedNode() => PodAdmission.DecideBinding(_bindingToTainted, _snapshot, _policy).Outcome;

    [Benchmark(Description = "binding onto a ready node (allow)")]
    public AdmissionOutcome BindingToReadyNode() => PodAdmission.DecideBinding(_bindingToReady, _snapshot, _policy).Outcome;
}
