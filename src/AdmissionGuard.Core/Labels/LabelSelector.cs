using k8s.Models;

namespace AdmissionGuard.Core.Labels;

/// <summary>
/// A Kubernetes label selector: requirements that must all hold (comma = AND).
/// Built from the string grammar (<see cref="Parse"/>) or from a <see cref="V1LabelSelector"/>.
/// </summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyList<LabelRequirement> _requirements;

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool matchesNothing)
    {
        _requirements = requirements;
        MatchesNothing = matchesNothing;
    }

    /// <summary>Selects every object (the empty selector).</summary>
    public static LabelSelector Everything { get; } = new([], matchesNothing: false);

    /// <summary>Selects no object (a null selector where the API says null means none).</summary>
    public static LabelSelector Nothing { get; } = new([], matchesNothing: true);

    public IReadOnlyList<LabelRequirement> Requirements => _requirements;

    public bool MatchesNothing { get; }

    public bool IsEverything => !MatchesNothing && _requirements.Count == 0;

    /// <remarks>API models hold labels as <see cref="IDictionary{TKey, TValue}"/>: pass <c>labels?.AsReadOnly()</c>.</remarks>
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        if (MatchesNothing)
        {
            return false;
        }

        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses the string form, e.g. <c>app=web,tier in (a,b),!legacy</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid selector; the message says where and why.</exception>
    public static LabelSelector Parse(string text) =>
        TryParse(text, out var selector, out var error) ? selector : throw new FormatException(error);

    public static bool TryParse(string? text, out LabelSelector selector, out string error)
    {
        selector = Everything;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var parser = new LabelSelectorParser(text);
        if (!parser.TryParse(out var requirements, out var reason))
        {
            error = $"invalid label selector \"{text}\": {reason}";
            return false;
        }

        selector = new LabelSelector(requirements, matchesNothing: false);
        return true;
    }

    /// <summary>
    /// Converts an API selector. <paramref name="nullMeansEverything"/> chooses the meaning of a missing
    /// selector, which differs by API (a PodDisruptionBudget's empty selector selects all pods).
    /// </summary>
    /// <exception cref="FormatException">An expression has an unknown operator or wrong values.</exception>
    public static LabelSelector FromModel(V1LabelSelector? model, bool nullMeansEverything = false)
    {
        if (model is null)
        {
            return nullMeansEverything ? Everything : Nothing;
        }

        var requirements = new List<LabelRequirement>();
        foreach (var (key, value) in model.MatchLabels ?? new Dictionary<string, string>())
        {
            requirements.Add(new LabelRequirement(key, SelectorOperator.Equals, [value]));
        }

        foreach (var expression in model.MatchExpressions ?? [])
        {
            var values = expression.Values?.ToArray() ?? [];
            var op = expression.OperatorProperty switch
            {
                "In" => SelectorOperator.In,
                "NotIn" => SelectorOperator.NotIn,
                "Exists" => SelectorOperator.Exists,
                "DoesNotExist" => SelectorOperator.DoesNotExist,
                _ => throw new FormatException($"invalid label selector operator \"{expression.OperatorProperty}\" for key \"{expression.Key}\""),
            };
            var needsValues = op is SelectorOperator.In or SelectorOperator.NotIn;
            if (needsValues != values.Length > 0)
            {
                throw new FormatException(needsValues
                    ? $"label selector operator {expression.OperatorProperty} for key \"{expression.Key}\" needs at least one value"
                    : $"label selector operator {expression.OperatorProperty} for key \"{expression.Key}\" takes no values");
            }

            requirements.Add(new LabelRequirement(expression.Key ?? "", op, values));
        }

        return new LabelSelector(requirements, matchesNothing: false);
    }

    public override string ToString() =>
        MatchesNothing ? "<none>" : string.Join(",", _requirements.Select(r => r.ToString()));
}
