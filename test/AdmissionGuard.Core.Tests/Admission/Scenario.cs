using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Tests.Admission;

/// <summary>A small cluster and pods for the decision tables: one tainted node, one ready node.</summary>
internal static class Scenario
{
    public const string TaintedNode = "ip-10-0-1-7";
    public const string ReadyNode = "ip-10-0-1-8";
    public const string MissingNode = "ip-10-0-9-9";
    public const string Namespace = "kube-system";

    public static readonly Taint CiliumTaint = new(WellKnown.CiliumAgentNotReadyTaint, "", "NoExecute");

    /// <summary>The blanket toleration of ebs-csi-node and istio-cni-node.</summary>
    public static readonly Toleration ExistsNoExecute = new("", Toleration.OperatorExists, "", "NoExecute");

    public static PodFacts Pod(TargetKind kind, string node = TaintedNode, bool tolerates = true) => new()
    {
        Namespace = Namespace,
        Name = "ebs-csi-node-x7k2p",
        Target = kind == TargetKind.Unknown ? TargetNode.Unknown : new TargetNode(kind, node),
        Tolerations = tolerates ? [ExistsNoExecute] : [],
    };

    public static StaticClusterSnapshot Snapshot(
        GuardMode? namespaceMode = null,
        string? namespaceLabel = null,
        bool gateReleaserAlive = true,
        IEnumerable<PodFacts>? pods = null,
        IEnumerable<NodeFacts>? nodes = null)
    {
        var label = namespaceLabel ?? namespaceMode?.ToLabelValue();
        var namespaces = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        if (label is not null)
        {
            namespaces[Namespace] = new Dictionary<string, string> { [WellKnown.NamespaceModeLabel] = label };
        }

        return new StaticClusterSnapshot(
            nodes ?? [new NodeFacts(TaintedNode, [CiliumTaint]), new NodeFacts(ReadyNode, [])],
            namespaces,
            pods,
            gateReleaserAlive: gateReleaserAlive);
    }
}
