using System.Collections.Frozen;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Cluster;

/// <summary>
/// <see cref="IClusterSnapshot"/> over the watch-fed caches. Every read goes to the live caches, so two reads may
/// see different moments; each object read is complete and consistent in itself.
/// </summary>
internal sealed class ClusterSnapshot(ClusterCaches caches, TimeProvider time) : IClusterSnapshot
{
    // Per node with an agent pod: whether one of them is Ready. A node without one is absent (unknown), not "not
    // ready": only the taint then says whether Cilium is up there, and the release rule treats unknown so.
    private readonly VersionedIndex<FrozenDictionary<string, (bool Ready, string Agent)>> _agentsByNode = new(
        () => caches.AgentPods.Version,
        () => caches.AgentPods.Items
            .Where(pod => pod.NodeName is not null)
            .GroupBy(pod => pod.NodeName!, StringComparer.Ordinal)
            .ToFrozenDictionary(
                agents => agents.Key,
                agents => (agents.Any(pod => pod.Ready), string.Join(',', agents.Select(pod => pod.Uid).Order(StringComparer.Ordinal))),
                StringComparer.Ordinal));

    // Admission looks at every tainted node for each unpinned pod; most nodes of a cluster carry no taint at all.
    private readonly VersionedIndex<NodeFacts[]> _taintedNodes = new(
        () => caches.Nodes.Version,
        () => caches.Nodes.Items.Where(node => node.Taints.Count > 0).ToArray());

    public NodeFacts? GetNode(string name) =>
        caches.Nodes.Get(new ObjectKey("", name)) is { } node ? WithAgent(node) : null;

    public IEnumerable<NodeFacts> Nodes => caches.Nodes.Items.Select(WithAgent);

    public IEnumerable<NodeFacts> TaintedNodes => _taintedNodes.Value.Select(WithAgent);

    public IReadOnlyDictionary<string, string>? GetNamespaceLabels(string name) =>
        caches.Namespaces.Get(new ObjectKey("", name))?.Labels;

    public PodFacts? GetPod(string podNamespace, string name) => caches.Pods.Get(new ObjectKey(podNamespace, name));

    public IEnumerable<PodFacts> Pods => caches.Pods.Items;

    public EndpointFacts? GetEndpoint(string podNamespace, string name) =>
        caches.Endpoints.Get(new ObjectKey(podNamespace, name));

    /// <remarks>Also false until the endpoint cache has synced: an empty cache would make every pod look unmanaged.</remarks>
    public bool EndpointsAvailable => caches.Endpoints.Synced && caches.Endpoints.Served;

    public bool GateReleaserAlive
    {
        get
        {
            var now = time.GetUtcNow();
            return caches.Leases.Items.Any(lease => lease.IsHeldAt(now));
        }
    }

    public IEnumerable<DisruptionBudgetFacts> DisruptionBudgets => caches.DisruptionBudgets.Items;

    private NodeFacts WithAgent(NodeFacts node) =>
        _agentsByNode.Value.TryGetValue(node.Name, out var agents) ? node with { AgentReady = agents.Ready, Agent = agents.Agent } : node;
}
