using AdmissionGuard.Sandbox.Labels;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Scheduling;

/// <summary>
/// Whether a pod's <c>spec.nodeSelector</c> and required node affinity admit a node, as component-helpers'
/// <c>scheduling/corev1/nodeaffinity</c> decides it. Terms are ORed and a term's requirements ANDed; a term with no
/// requirements matches nothing; a term the API would reject (unknown operator, wrong values, an invalid key)
/// matches nothing while the other terms still count. <c>matchExpressions</c> read the node's labels (operators In,
/// NotIn, Exists, DoesNotExist, Gt, Lt); <c>matchFields</c> read <c>metadata.name</c> (other fields read as empty) with
/// In or NotIn and exactly one value.
/// </summary>
internal static class NodeAffinity
{
    private const string NameField = "metadata.name";

    public static bool Matches(V1PodSpec spec, V1Node node)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(node);
        var labels = node.Metadata?.Labels;
        var selectorHolds = (spec.NodeSelector ?? new Dictionary<string, string>())
            .All(wanted => labels is not null && labels.TryGetValue(wanted.Key, out var actual) && actual == wanted.Value);
        return selectorHolds && MatchesRequired(spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, node);
    }

    /// <summary>A missing required node selector admits every node.</summary>
    public static bool MatchesRequired(V1NodeSelector? required, V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return required is null || (required.NodeSelectorTerms ?? []).Any(term => TermMatches(term, node));
    }

    private static bool TermMatches(V1NodeSelectorTerm term, V1Node node)
    {
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
        {
            return false;
        }

        var labels = node.Metadata?.Labels?.AsReadOnly();
        var name = node.Metadata?.Name ?? "";
        var parsed = expressions.Select(LabelTerm).ToList();
        return parsed.TrueForAll(r => r is not null)
            && fields.All(f => FieldTermIsValid(f))
            && parsed.TrueForAll(r => r!.Matches(labels))
            && fields.All(f => FieldTermMatches(f, name));
    }

    private static LabelRequirement? LabelTerm(V1NodeSelectorRequirement requirement)
    {
        LabelOperator? op = requirement.OperatorProperty switch
        {
            "In" => LabelOperator.In,
            "NotIn" => LabelOperator.NotIn,
            "Exists" => LabelOperator.Exists,
            "DoesNotExist" => LabelOperator.DoesNotExist,
            "Gt" => LabelOperator.GreaterThan,
            "Lt" => LabelOperator.LessThan,
            _ => null,
        };
        return op is { } known ? LabelRequirement.Create(requirement.Key ?? "", known, requirement.Values?.ToArray() ?? [], out _) : null;
    }

    private static bool FieldTermIsValid(V1NodeSelectorRequirement requirement) =>
        requirement.OperatorProperty is "In" or "NotIn" && requirement.Values is { Count: 1 };

    private static bool FieldTermMatches(V1NodeSelectorRequirement requirement, string nodeName)
    {
        var actual = requirement.Key == NameField ? nodeName : "";
        return (actual == requirement.Values[0]) == (requirement.OperatorProperty == "In");
    }
}
