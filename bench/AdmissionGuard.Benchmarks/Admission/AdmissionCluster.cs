using System.Text.Json.Nodes;
using AdmissionGuard.Benchmarks.Cluster;
using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Tests.Support;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Benchmarks.Admission;

/// <summary>
/// What admission decides against: 1,000 nodes of which every tenth is still booting (tainted
/// <c>node.cilium.io/agent-not-ready</c>, agent not Ready), 40 namespaces, a live leader Lease (so gate mode gates),
/// and the unpinned pod <c>default/web</c> in the pod cache for the binding check. Read through the production
/// <see cref="ClusterSnapshot"/> over the watch-fed caches.
/// </summary>
internal static class AdmissionCluster
{
    public const int Nodes = SyntheticPods.Nodes;

    public static string TaintedNode { get; } = SyntheticPods.NodeName(0);

    public static string ReadyNode { get; } = SyntheticPods.NodeName(1);

    public static async Task<(ClusterCaches Caches, ClusterSnapshot Snapshot)> StartAsync()
    {
        var caches = await SyntheticCluster.FillAsync(new ClusterSources(
            new FixedSource<DecodedPod>("pods", SyntheticPods.Decode(UnpinnedPod(tolerateEverything: true))),
            new FixedSource<DecodedPod>("agent pods", [.. Enumerable.Range(0, Nodes).Select(node => SyntheticPods.Decode(SyntheticCluster.AgentPod(node, ready: !IsTainted(node))))]),
            new FixedSource<V1Node>("nodes", [.. NodeObjects()]),
            new FixedSource<V1Namespace>("namespaces", [.. Enumerable.Range(0, 40).Select(n => new V1Namespace { Metadata = new V1ObjectMeta { Name = $"team-{n}" } })]),
            new FixedSource<CiliumEndpoint>("ciliumendpoints"),
            new FixedSource<V1Lease>("lease", new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = "admissionguard-leader", NamespaceProperty = "admissionguard-system" },
                Spec = new V1LeaseSpec { HolderIdentity = "admissionguard-0", RenewTime = DateTime.UtcNow, LeaseDurationSeconds = 86_400 },
            }),
            new FixedSource<V1PodDisruptionBudget>("poddisruptionbudgets")));
        return (caches, new ClusterSnapshot(caches, TimeProvider.System));
    }

    /// <summary>The 1,000 nodes, every tenth tainted <c>node.cilium.io/agent-not-ready:NoExecute</c>.</summary>
    public static IEnumerable<V1Node> NodeObjects() => Enumerable.Range(0, Nodes).Select(node => SyntheticCluster.Node(node, IsTainted(node)));

    /// <summary>The gate path: pod CREATE of <see cref="DaemonSetPod"/> pinned to a tainted node.</summary>
    public static string GateReview() => AdmissionReviews.PodCreate(PodJson(DaemonSetPod(TaintedNode)));

    /// <summary>The warn path: pod CREATE of the unpinned pod tolerating everything (the 100 tainted nodes are looked at).</summary>
    public static string WarnReview() => AdmissionReviews.PodCreate(PodJson(UnpinnedPod(tolerateEverything: true)));

    /// <summary>The binding path: <c>pods/binding</c> CREATE of <c>default/web</c> (with <paramref name="podUid"/>) onto a tainted node.</summary>
    public static string BindingReview(string podUid = AdmissionReviews.BoundPodUid) =>
        AdmissionReviews.BindingCreate("default", "web", TaintedNode, podUid: podUid);

    /// <summary>A DaemonSet pod that tolerates every NoExecute taint, pinned by node affinity as the controller does.</summary>
    public static V1Pod DaemonSetPod(string node) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = "ebs-csi-node-x7k2p",
            NamespaceProperty = "kube-system",
            Labels = new Dictionary<string, string> { ["app"] = "ebs-csi-node" },
            OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "DaemonSet", Name = "ebs-csi-node", Uid = "5a1c9e0e-0000-4000-8000-000000000001", Controller = true }],
        },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "node", Image = "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.37.0" }],
            Tolerations = [new V1Toleration { OperatorProperty = "Exists", Effect = "NoExecute" }],
            Affinity = new V1Affinity
            {
                NodeAffinity = new V1NodeAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                    {
                        NodeSelectorTerms = [new V1NodeSelectorTerm { MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [node] }] }],
                    },
                },
            },
        },
    };

    /// <summary><c>default/web</c>: the scheduler picks its node; with a blanket toleration it could land on a booting node.</summary>
    public static V1Pod UnpinnedPod(bool tolerateEverything) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = "web",
            NamespaceProperty = "default",
            // The uid the benchmarked binding names: a binding for another uid would fail open instead of being decided.
            Uid = AdmissionReviews.BoundPodUid,
            Labels = new Dictionary<string, string> { ["app"] = "web" },
        },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "web", Image = "nginx:1.27" }],
            Tolerations = tolerateEverything ? [new V1Toleration { OperatorProperty = "Exists" }] : null,
        },
    };

    private static bool IsTainted(int node) => node % 10 == 0;

    private static JsonObject PodJson(V1Pod pod) => JsonNode.Parse(KubernetesJson.Serialize(pod))!.AsObject();
}
