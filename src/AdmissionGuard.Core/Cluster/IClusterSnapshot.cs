using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Cluster;

/// <summary>
/// What the cluster looks like right now, as far as the watch-fed caches know. Decisions read this and
/// never call the API server. Implementations must be safe for concurrent readers.
/// </summary>
public interface IClusterSnapshot
{
    /// <summary>A node; <see cref="NodeFacts.AgentReady"/> is filled from the cached Cilium agent pods.</summary>
    NodeFacts? GetNode(string name);

    IEnumerable<NodeFacts> Nodes { get; }

    /// <summary>
    /// The nodes that carry at least one taint: only these can expose a pod to a CNI that is not ready.
    /// Implementations over large caches should index them; this default filters <see cref="Nodes"/>.
    /// </summary>
    IEnumerable<NodeFacts> TaintedNodes => Nodes.Where(node => node.Taints.Count > 0);

    /// <summary>Labels of a namespace, or null when the namespace is not known.</summary>
    IReadOnlyDictionary<string, string>? GetNamespaceLabels(string name);

    PodFacts? GetPod(string podNamespace, string name);

    IEnumerable<PodFacts> Pods { get; }

    /// <summary>How many <see cref="Pods"/> there are, for a reader that sizes its memory for every pod at once.</summary>
    int PodCount => Pods.Count();

    /// <summary>
    /// The pods that carry AdmissionGuard's scheduling gate: a few among many. Implementations over large caches should
    /// index them; this default filters <see cref="Pods"/>.
    /// </summary>
    IEnumerable<PodFacts> GatedPods => Pods.Where(pod => pod.HasGate(WellKnown.SchedulingGate));

    /// <summary>
    /// Starts a feed of the pods whose facts or CiliumEndpoint change from now on, for a reader that keeps what it
    /// concluded about every pod between passes. Null when the implementation cannot tell: such a reader must then look
    /// at every pod on every pass.
    /// </summary>
    IPodChangeFeed? FollowPodChanges() => null;

    /// <summary>The CiliumEndpoint of the same namespace/name as a pod, or null.</summary>
    EndpointFacts? GetEndpoint(string podNamespace, string name);

    /// <summary>
    /// False when the cluster serves no CiliumEndpoints (Cilium's slim CES mode disables the CRD): a
    /// detector built on endpoints must then switch itself off instead of restarting every pod.
    /// </summary>
    bool EndpointsAvailable { get; }

    /// <summary>Every PodDisruptionBudget of the cluster.</summary>
    IEnumerable<DisruptionBudgetFacts> DisruptionBudgets { get; }

    /// <summary>
    /// True while a leader's Lease is fresh: someone will release the gates the webhook adds.
    /// When false, gate mode falls back to warn.
    /// </summary>
    bool GateReleaserAlive { get; }
}
