using AdmissionGuard.Core;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;
using AdmissionGuard.Tests.Cluster;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Support;

/// <summary>The cluster the HTTP tests decide against: one node still tainted, one ready.</summary>
internal static class TestCluster
{
    public const string TaintedNode = "ip-10-0-1-7";
    public const string ReadyNode = "ip-10-0-1-8";

    /// <summary>Namespace labelled admissionguard.io/mode=deny.</summary>
    public const string DenyNamespace = "payments";

    /// <summary>Namespace labelled with an invalid mode.</summary>
    public const string MislabelledNamespace = "legacy";

    /// <summary>The unpinned web pod, cached in the default namespace with the uid the bindings name.</summary>
    public static readonly PodFacts CachedWebPod =
        DecodedPods.Decode(PodFixtures.Web().ToJsonString()).Fields.ToPodFacts("default") with { Uid = AdmissionReviews.BoundPodUid };

    public static StaticClusterSnapshot Snapshot(bool gateReleaserAlive = true) => new(
        [
            new NodeFacts(TaintedNode, [new Taint(WellKnown.CiliumAgentNotReadyTaint, "", "NoExecute")]),
            new NodeFacts(ReadyNode, []),
        ],
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            [DenyNamespace] = new Dictionary<string, string> { [WellKnown.NamespaceModeLabel] = "deny" },
            [MislabelledNamespace] = new Dictionary<string, string> { [WellKnown.NamespaceModeLabel] = "gat" },
        },
        [CachedWebPod],
        gateReleaserAlive: gateReleaserAlive);
}
