using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Cluster;

/// <summary>
/// What the cluster looks like right now, as far as the watch-fed caches know. Decisions read this and
/// never call the API server. Implementations must be safe for concurrent readers.
/// </summary>
public interface IClusterSnapshot
{
    NodeFacts? GetNode(string name);

    IEnumerable<NodeFacts> Nodes { get; }

    /// <summary>Labels of a namespace, or null when the namespace is not known.</summary>
    IReadOnlyDictionary<string, string>? GetNamespaceLabels(string name);

    PodFacts? GetPod(string podNamespace, string name);

    /// <summary>
    /// True while a leader's Lease is fresh: someone will release the gates the webhook adds.
    /// When false, gate mode falls back to warn.
    /// </summary>
    bool GateReleaserAlive { get; }
}
