using System.Globalization;
using AdmissionGuard.Core.Labels;
using AdmissionGuard.Core.Scheduling;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// kube-scheduler's filters the simulation needs, as pure functions: NodeUnschedulable, NodeAffinity (nodeSelector
/// and required node affinity) and TaintToleration. Each returns the scheduler's reason text when the node does
/// not fit, so an Unschedulable message reads like the real one.
/// </summary>
internal static class NodeFit
{
    public const string UnschedulableTaintKey = "node.kubernetes.io/unschedulable";
    public const string NoSchedule = "NoSchedule";
    public const string NoExecute = "NoExecute";
    public const string AffinityMismatch = "node(s) didn't match Pod's node affinity/selector";
    public const string NodeUnschedulable = "node(s) were unschedulable";

    /// <summary>Why the pod cannot be placed on the node, or null when it fits.</summary>
    public static string? Check(V1PodSpec spec, V1Node node, IReadOnlyList<Toleration> tolerations)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(node);
        if (node.Spec?.Unschedulable == true && !Toleration.AnyTolerates(tolerations, new Taint(UnschedulableTaintKey, "", NoSchedule)))
        {
            return NodeUnschedulable;
        }

        if (!MatchesSelectorAndAffinity(spec, node))
        {
            return AffinityMismatch;
        }

        return UntoleratedTaint(node, tolerations, NoSchedule, NoExecute) is { } taint
            ? $"node(s) had untolerated taint {{{taint.Key}: {taint.Value}}}"
            : null;
    }

    /// <summary>nodeSelector (every label equal) and requiredDuringSchedulingIgnoredDuringExecution (terms ORed).</summary>
    public static bool MatchesSelectorAndAffinity(V1PodSpec spec, V1Node node)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(node);
        var labels = node.Metadata?.Labels;
        foreach (var (key, value) in spec.NodeSelector ?? new Dictionary<string, string>())
        {
            if (labels is null || !labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        var required = spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        return required?.NodeSelectorTerms is not { } terms || terms.Any(term => TermMatches(term, node));
    }

    /// <summary>The first taint with one of <paramref name="effects"/> that no toleration tolerates.</summary>
    public static Taint? UntoleratedTaint(V1Node node, IReadOnlyList<Toleration> tolerations, params string[] effects)
    {
        ArgumentNullException.ThrowIfNull(node);
        return (node.Spec?.Taints ?? [])
            .Select(Taint.From)
            .FirstOrDefault(t => effects.Contains(t.Effect) && !Toleration.AnyTolerates(tolerations, t));
    }

    // A term with neither expressions nor fields matches nothing; within a term everything must hold.
    private static bool TermMatches(V1NodeSelectorTerm term, V1Node node)
    {
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
        {
            return false;
        }

        var labels = node.Metadata?.Labels is { } nodeLabels ? new Dictionary<string, string>(nodeLabels) : [];
        var nameField = new Dictionary<string, string> { ["metadata.name"] = node.Metadata?.Name ?? "" };
        return expressions.All(e => RequirementMatches(e, labels))
            && fields.All(f => f.Key == "metadata.name" && f.OperatorProperty is "In" or "NotIn" && RequirementMatches(f, nameField));
    }

    private static bool RequirementMatches(V1NodeSelectorRequirement requirement, IReadOnlyDictionary<string, string> values)
    {
        var given = requirement.Values?.ToArray() ?? [];
        SelectorOperator? op = requirement.OperatorProperty switch
        {
            "In" when given.Length > 0 => SelectorOperator.In,
            "NotIn" when given.Length > 0 => SelectorOperator.NotIn,
            "Exists" when given.Length == 0 => SelectorOperator.Exists,
            "DoesNotExist" when given.Length == 0 => SelectorOperator.DoesNotExist,
            "Gt" when IsSingleInteger(given) => SelectorOperator.GreaterThan,
            "Lt" when IsSingleInteger(given) => SelectorOperator.LessThan,
            _ => null,
        };

        // An invalid requirement (unknown operator, wrong values) matches no node, as the scheduler rejects it.
        return op is { } valid && new LabelRequirement(requirement.Key ?? "", valid, given).Matches(values);
    }

    private static bool IsSingleInteger(string[] values) =>
        values.Length == 1 && long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
}
