using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;
using k8s.Models;

namespace AdmissionGuard.Cluster;

/// <summary>
/// Projects pods, CiliumEndpoints and nodes for the caches and shares what they have in common: namespaces, phases,
/// label maps (replicas carry identical labels), toleration lists (every DaemonSet pod carries the same ones), owners,
/// target nodes, endpoint states, node addresses and taint lists (every node Cilium has not reached yet carries the
/// same not-ready taint; admission judges a shared list once, see <c>PodAdmission</c>). A pod and its CiliumEndpoint
/// also share their name and the pod's UID: whichever the caches see second takes the strings of the first, so that
/// the pair holds one copy of each (and the detector's comparisons of the two stop at the reference). Measured on
/// 50,000 pods by <c>PodCacheBenchmarks</c>; see docs/performance.md for the figures.
/// </summary>
internal sealed class FactsCompactor
{
    private readonly Interner<string> _strings = new(StringComparer.Ordinal);
    private readonly Interner<IReadOnlyDictionary<string, string>> _labels = new(LabelsComparer.Instance);
    private readonly Interner<Toleration> _toleration = new();
    private readonly Interner<IReadOnlyList<Toleration>> _tolerations = new(SequenceComparer<Toleration>.Instance);
    private readonly Interner<PodOwner> _owners = new();
    private readonly Interner<TargetNode> _targets = new();
    private readonly Interner<IReadOnlyList<Taint>> _taints = new(SequenceComparer<Taint>.Instance);

    /// <param name="endpoints">The CiliumEndpoints seen so far, whose strings the pod may share.</param>
    public PodFacts Pod(DecodedPod pod, IResourceCache<EndpointFacts>? endpoints = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var facts = pod.Fields.ToPodFacts();
        var endpoint = endpoints?.Get(new ObjectKey(facts.Namespace, facts.Name));
        return facts with
        {
            Namespace = _strings.Intern(facts.Namespace),
            Name = Shared(facts.Name, endpoint?.Name),
            Uid = Shared(facts.Uid, endpoint?.OwnerPodUid),
            Labels = facts.Labels.Count == 0 ? facts.Labels : _labels.Intern(facts.Labels, ShareStrings),
            Tolerations = facts.Tolerations.Count == 0 ? facts.Tolerations : _tolerations.Intern(facts.Tolerations, ShareTolerations),
            Target = facts.Target.Name is null ? facts.Target : _targets.Intern(facts.Target),
            Owner = facts.Owner is null ? null : _owners.Intern(facts.Owner, owner => owner with { Kind = _strings.Intern(owner.Kind) }),
            Phase = _strings.Intern(facts.Phase),
        };
    }

    /// <param name="pods">The pods seen so far, whose strings the endpoint may share.</param>
    public EndpointFacts Endpoint(CiliumEndpoint endpoint, IResourceCache<PodFacts>? pods = null)
    {
        var facts = ClusterProjections.Endpoint(endpoint);
        var pod = pods?.Get(new ObjectKey(facts.Namespace, facts.Name));
        return facts with
        {
            Namespace = _strings.Intern(facts.Namespace),
            Name = Shared(facts.Name, pod?.Name),
            OwnerPodUid = Shared(facts.OwnerPodUid, pod?.Uid),
            State = _strings.Intern(facts.State),
            NodeIp = facts.NodeIp is null ? null : _strings.Intern(facts.NodeIp),
        };
    }

    public NodeFacts Node(V1Node node)
    {
        var facts = ClusterProjections.Node(node);
        return facts.Taints.Count == 0 ? facts : facts with { Taints = _taints.Intern(facts.Taints) };
    }

    private static string Shared(string value, string? held) => held is not null && held == value ? held : value;

    private Dictionary<string, string> ShareStrings(IReadOnlyDictionary<string, string> labels) =>
        labels.ToDictionary(pair => _strings.Intern(pair.Key), pair => _strings.Intern(pair.Value));

    private Toleration[] ShareTolerations(IReadOnlyList<Toleration> tolerations) =>
        [.. tolerations.Select(toleration => _toleration.Intern(toleration, t => t with
        {
            Key = _strings.Intern(t.Key),
            Operator = _strings.Intern(t.Operator),
            Value = _strings.Intern(t.Value),
            Effect = _strings.Intern(t.Effect),
        }))];
}
