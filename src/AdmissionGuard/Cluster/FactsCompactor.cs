using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;
using k8s.Models;

namespace AdmissionGuard.Cluster;

/// <summary>
/// Projects pods and CiliumEndpoints for the caches and shares what they have in common: namespaces, phases, label
/// maps (replicas carry identical labels), toleration lists (every DaemonSet pod carries the same ones), owners,
/// target nodes, endpoint states and node addresses. Measured on 50,000 pods by <c>PodCacheBenchmarks</c>; see docs/performance.md for the figures.
/// </summary>
internal sealed class FactsCompactor
{
    private readonly Interner<string> _strings = new(StringComparer.Ordinal);
    private readonly Interner<IReadOnlyDictionary<string, string>> _labels = new(LabelsComparer.Instance);
    private readonly Interner<Toleration> _toleration = new();
    private readonly Interner<IReadOnlyList<Toleration>> _tolerations = new(SequenceComparer<Toleration>.Instance);
    private readonly Interner<PodOwner> _owners = new();
    private readonly Interner<TargetNode> _targets = new();

    public PodFacts Pod(V1Pod pod)
    {
        var facts = PodFacts.From(pod);
        return facts with
        {
            Namespace = _strings.Intern(facts.Namespace),
            Labels = facts.Labels.Count == 0 ? facts.Labels : _labels.Intern(facts.Labels, ShareStrings),
            Tolerations = facts.Tolerations.Count == 0 ? facts.Tolerations : _tolerations.Intern(facts.Tolerations, ShareTolerations),
            Target = facts.Target.Name is null ? facts.Target : _targets.Intern(facts.Target),
            Owner = facts.Owner is null ? null : _owners.Intern(facts.Owner, owner => owner with { Kind = _strings.Intern(owner.Kind) }),
            Phase = _strings.Intern(facts.Phase),
        };
    }

    public EndpointFacts Endpoint(CiliumEndpoint endpoint)
    {
        var facts = ClusterProjections.Endpoint(endpoint);
        return facts with
        {
            Namespace = _strings.Intern(facts.Namespace),
            State = _strings.Intern(facts.State),
            NodeIp = facts.NodeIp is null ? null : _strings.Intern(facts.NodeIp),
        };
    }

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
