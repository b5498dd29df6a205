using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Tests.Healing;

/// <summary>An in-memory snapshot for tests; mutable so a test can move the cluster forward between cycles.</summary>
internal sealed class FakeClusterSnapshot : IClusterSnapshot
{
    private readonly Dictionary<string, NodeFacts> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PodFacts> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointFacts> _endpoints = new(StringComparer.Ordinal);
    private readonly List<Feed> _feeds = [];

    public bool EndpointsAvailable { get; set; } = true;

    public bool GateReleaserAlive { get; set; } = true;

    public List<DisruptionBudgetFacts> Budgets { get; } = [];

    public IEnumerable<DisruptionBudgetFacts> DisruptionBudgets => Budgets;

    public IEnumerable<NodeFacts> Nodes => _nodes.Values;

    public IEnumerable<PodFacts> Pods => _pods.Values;

    public FakeClusterSnapshot With(params NodeFacts[] nodes)
    {
        foreach (var node in nodes)
        {
            _nodes[node.Name] = node;
        }

        return this;
    }

    public FakeClusterSnapshot With(params PodFacts[] pods)
    {
        foreach (var pod in pods)
        {
            _pods[pod.Key] = pod;
            Changed(pod.Namespace, pod.Name);
        }

        return this;
    }

    public FakeClusterSnapshot With(params EndpointFacts[] endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            _endpoints[$"{endpoint.Namespace}/{endpoint.Name}"] = endpoint;
            Changed(endpoint.Namespace, endpoint.Name);
        }

        return this;
    }

    public FakeClusterSnapshot WithoutEndpoint(string key)
    {
        _endpoints.Remove(key);
        Changed(key);
        return this;
    }

    public FakeClusterSnapshot WithoutPod(string key)
    {
        _pods.Remove(key);
        Changed(key);
        return this;
    }

    /// <summary>Like the production snapshot's: every pod or endpoint changed through this class, named once per take.</summary>
    public IPodChangeFeed FollowPodChanges()
    {
        var feed = new Feed();
        _feeds.Add(feed);
        return feed;
    }

    public NodeFacts? GetNode(string name) => _nodes.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, string>? GetNamespaceLabels(string name) => null;

    public PodFacts? GetPod(string podNamespace, string name) => _pods.GetValueOrDefault($"{podNamespace}/{name}");

    public EndpointFacts? GetEndpoint(string podNamespace, string name) => _endpoints.GetValueOrDefault($"{podNamespace}/{name}");

    private void Changed(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        Changed(key[..slash], key[(slash + 1)..]);
    }

    private void Changed(string podNamespace, string name)
    {
        foreach (var feed in _feeds)
        {
            feed.Changed.Add(new PodName(podNamespace, name));
        }
    }

    private sealed class Feed : IPodChangeFeed
    {
        public HashSet<PodName> Changed { get; private set; } = [];

        public IReadOnlyCollection<PodName> TakeChanged()
        {
            var taken = Changed;
            Changed = [];
            return taken;
        }
    }
}
