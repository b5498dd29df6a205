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
    private AgentIndex? _agents;

    public NodeFacts? GetNode(string name) =>
        caches.Nodes.Get(new ObjectKey("", name)) is { } node ? WithAgent(node) : null;

    public IEnumerable<NodeFacts> Nodes => caches.Nodes.Items.Select(WithAgent);

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

    private NodeFacts WithAgent(NodeFacts node) => node with { AgentReady = ReadyAgentNodes().Contains(node.Name) };

    // Agent pods change rarely and nodes are read often: rebuild the node index only when the agent cache changed.
    // A rebuild racing with a change stores the older version number, so the next read rebuilds again.
    private FrozenSet<string> ReadyAgentNodes()
    {
        var agents = Volatile.Read(ref _agents);
        var version = caches.AgentPods.Version;
        if (agents is null || agents.Version != version)
        {
            var readyNodes = caches.AgentPods.Items
                .Where(pod => pod.Ready && pod.NodeName is not null)
                .Select(pod => pod.NodeName!)
                .ToFrozenSet();
            agents = new AgentIndex(version, readyNodes);
            Volatile.Write(ref _agents, agents);
        }

        return agents.ReadyNodes;
    }

    private sealed record AgentIndex(long Version, FrozenSet<string> ReadyNodes);
}
