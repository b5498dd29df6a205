using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Cluster;

/// <summary>
/// A snapshot that never changes, built from lists: for one-shot tools, benchmarks and tests. The running
/// guard reads the watch-fed one instead.
/// </summary>
public sealed class StaticClusterSnapshot : IClusterSnapshot
{
    private readonly Dictionary<string, NodeFacts> _nodes;
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _namespaces;
    private readonly Dictionary<string, PodFacts> _pods;
    private readonly Dictionary<string, EndpointFacts> _endpoints;

    public StaticClusterSnapshot(
        IEnumerable<NodeFacts>? nodes = null,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? namespaceLabels = null,
        IEnumerable<PodFacts>? pods = null,
        IEnumerable<EndpointFacts>? endpoints = null,
        bool endpointsAvailable = true,
        bool gateReleaserAlive = true,
        IEnumerable<DisruptionBudgetFacts>? disruptionBudgets = null)
    {
        DisruptionBudgets = [.. disruptionBudgets ?? []];
        _nodes = (nodes ?? []).ToDictionary(n => n.Name, StringComparer.Ordinal);
        _namespaces = new Dictionary<string, IReadOnlyDictionary<string, string>>(namespaceLabels ?? new Dictionary<string, IReadOnlyDictionary<string, string>>(), StringComparer.Ordinal);
        _pods = (pods ?? []).ToDictionary(p => p.Key, StringComparer.Ordinal);
        _endpoints = (endpoints ?? []).ToDictionary(e => $"{e.Namespace}/{e.Name}", StringComparer.Ordinal);
        EndpointsAvailable = endpointsAvailable;
        GateReleaserAlive = gateReleaserAlive;
    }

    public IEnumerable<NodeFacts> Nodes => _nodes.Values;

    public IEnumerable<PodFacts> Pods => _pods.Values;

    public bool EndpointsAvailable { get; }

    public bool GateReleaserAlive { get; }

    public IEnumerable<DisruptionBudgetFacts> DisruptionBudgets { get; }

    public NodeFacts? GetNode(string name) => _nodes.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, string>? GetNamespaceLabels(string name) => _namespaces.GetValueOrDefault(name);

    public PodFacts? GetPod(string podNamespace, string name) => _pods.GetValueOrDefault($"{podNamespace}/{name}");

    public EndpointFacts? GetEndpoint(string podNamespace, string name) => _endpoints.GetValueOrDefault($"{podNamespace}/{name}");
}
