using System.Collections.Concurrent;
using System.Collections.Frozen;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Cluster;

/// <summary>
/// <see cref="IClusterSnapshot"/> over the watch-fed caches. Every read goes to the live caches, so two reads may
/// see different moments; each object read is complete and consistent in itself.
/// </summary>
internal sealed class ClusterSnapshot : IClusterSnapshot
{
    private readonly ClusterCaches _caches;
    private readonly TimeProvider _time;

    // Per node with an agent pod: whether one of them is Ready, and which pods they are. A node without one is absent (unknown), not "not
    // ready": only the taint then says whether Cilium is up there, and the release rule treats unknown so.
    private readonly VersionedIndex<FrozenDictionary<string, (bool Ready, string Agent)>> _agentsByNode;

    // Admission looks at every tainted node for each unpinned pod; most nodes of a cluster carry no taint at all. Kept
    // with their agents' readiness, so that a decision allocates nothing per node; rebuilt when either cache changes
    // (both versions only grow, so their sum moves whenever one does).
    private readonly VersionedIndex<NodeFacts[]> _taintedNodes;

    // Every gate decision asks whether the leader's Lease is held; the cache's items are a copy taken under its lock,
    // so they are taken again only when the Lease changed (every renewal), not per decision.
    private readonly VersionedIndex<LeaseFacts[]> _leases;

    // Pods seen with the scheduling gate, as they were then: the gate release looks at these instead of every pod. Only
    // candidates: a read checks each against the cache and drops the ones whose gate is gone, unless the pod changed
    // again meanwhile (the removal compares the facts seen). A change that adds the gate adds its pod.
    private readonly ConcurrentDictionary<ObjectKey, PodFacts> _gateCandidates = new();

    public ClusterSnapshot(ClusterCaches caches, TimeProvider time)
    {
        _caches = caches;
        _time = time;
        _agentsByNode = new(
            () => caches.AgentPods.Version,
            () => caches.AgentPods.Items
                .Where(pod => pod.NodeName is not null)
                .GroupBy(pod => pod.NodeName!, StringComparer.Ordinal)
                .ToFrozenDictionary(
                    agents => agents.Key,
                    agents => (agents.Any(pod => pod.Ready), string.Join(',', agents.Select(pod => pod.Uid).Order(StringComparer.Ordinal))),
                    StringComparer.Ordinal));
        _taintedNodes = new(
            () => caches.Nodes.Version + caches.AgentPods.Version,
            () => caches.Nodes.Items.Where(node => node.Taints.Count > 0).Select(WithAgent).ToArray());
        _leases = new(() => caches.Leases.Version, () => [.. caches.Leases.Items]);

        // Subscribed before looking at what is cached already, so that no change falls between the two.
        caches.Pods.Subscribe(change =>
        {
            if (change.New is { } pod && pod.HasGate(WellKnown.SchedulingGate))
            {
                _gateCandidates[change.Key] = pod;
            }
        });
        foreach (var pod in caches.Pods.Items.Where(pod => pod.HasGate(WellKnown.SchedulingGate)))
        {
            _gateCandidates.TryAdd(ClusterCaches.PodKey(pod), pod);
        }
    }

    public NodeFacts? GetNode(string name) =>
        _caches.Nodes.Get(new ObjectKey("", name)) is { } node ? WithAgent(node) : null;

    public IEnumerable<NodeFacts> Nodes => _caches.Nodes.Items.Select(WithAgent);

    public IEnumerable<NodeFacts> TaintedNodes => _taintedNodes.Value;

    public IReadOnlyDictionary<string, string>? GetNamespaceLabels(string name) =>
        _caches.Namespaces.Get(new ObjectKey("", name))?.Labels;

    public PodFacts? GetPod(string podNamespace, string name) => _caches.Pods.Get(new ObjectKey(podNamespace, name));

    public IEnumerable<PodFacts> Pods => _caches.Pods.Items;

    public int PodCount => _caches.Pods.Count;

    public IEnumerable<PodFacts> GatedPods
    {
        get
        {
            foreach (var (key, seen) in _gateCandidates)
            {
                if (_caches.Pods.Get(key) is { } pod && pod.HasGate(WellKnown.SchedulingGate))
                {
                    yield return pod;
                }
                else
                {
                    _gateCandidates.TryRemove(KeyValuePair.Create(key, seen));
                }
            }
        }
    }

    public IPodChangeFeed FollowPodChanges() => new PodChangeFeed(_caches);

    public EndpointFacts? GetEndpoint(string podNamespace, string name) =>
        _caches.Endpoints.Get(new ObjectKey(podNamespace, name));

    /// <remarks>Also false until the endpoint cache has synced: an empty cache would make every pod look unmanaged.</remarks>
    public bool EndpointsAvailable => _caches.Endpoints.Synced && _caches.Endpoints.Served;

    public bool GateReleaserAlive
    {
        get
        {
            // A loop, not Any with a lambda: asked by every gate decision, and the closure over now was garbage each time.
            var now = _time.GetUtcNow();
            foreach (var lease in _leases.Value)
            {
                if (lease.IsHeldAt(now))
                {
                    return true;
                }
            }

            return false;
        }
    }

    public IEnumerable<DisruptionBudgetFacts> DisruptionBudgets => _caches.DisruptionBudgets.Items;

    private NodeFacts WithAgent(NodeFacts node) =>
        _agentsByNode.Value.TryGetValue(node.Name, out var agents) ? node with { AgentReady = agents.Ready, Agent = agents.Agent } : node;
}
