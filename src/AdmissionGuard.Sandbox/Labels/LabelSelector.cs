using k8s.Models;

namespace AdmissionGuard.Sandbox.Labels;

/// <summary>
/// A label selector: requirements that must all hold. Parsed from the string grammar of apimachinery's
/// <c>labels.Parse</c> (<see cref="SelectorParser"/>) or converted from a <see cref="V1LabelSelector"/> as
/// <c>metav1.LabelSelectorAsSelector</c> does.
/// </summary>
internal sealed class LabelSelector
{
    private readonly IReadOnlyList<LabelRequirement> _requirements;
    private readonly bool _matchesNothing;

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool matchesNothing)
    {
        _requirements = requirements;
        _matchesNothing = matchesNothing;
    }

    public static LabelSelector Everything { get; } = new([], matchesNothing: false);

    public static LabelSelector Nothing { get; } = new([], matchesNothing: true);

    public IReadOnlyList<LabelRequirement> Requirements => _requirements;

    public bool IsEverything => !_matchesNothing && _requirements.Count == 0;

    /// <remarks>API models hold labels as <see cref="IDictionary{TKey, TValue}"/>: pass <c>labels?.AsReadOnly()</c>.</remarks>
    public bool Matches(IReadOnlyDictionary<string, string>? labels) =>
        !_matchesNothing && _requirements.All(r => r.Matches(labels));

    /// <exception cref="FormatException">The text is no selector; the message says where, as the apiserver's 400 does.</exception>
    public static LabelSelector Parse(string? text) =>
        string.IsNullOrWhiteSpace(text) ? Everything : new LabelSelector(new SelectorParser(text).Parse(), matchesNothing: false);

    public static bool TryParse(string? text, out LabelSelector selector, out string error)
    {
        try
        {
            (selector, error) = (Parse(text), "");
            return true;
        }
        catch (FormatException e)
        {
            (selector, error) = (Nothing, e.Message);
            return false;
        }
    }

    /// <summary>
    /// A null selector selects nothing and an empty one everything. APIs that default a missing selector to the empty
    /// one (webhooks' namespaceSelector and objectSelector) pass <paramref name="nullMeansEverything"/>.
    /// </summary>
    /// <exception cref="FormatException">An operator is unknown or its values are wrong.</exception>
    public static LabelSelector FromModel(V1LabelSelector? model, bool nullMeansEverything = false)
    {
        if (model is null)
        {
            return nullMeansEverything ? Everything : Nothing;
        }

        var requirements = new List<LabelRequirement>();
        foreach (var (key, value) in model.MatchLabels ?? new Dictionary<string, string>())
        {
            requirements.Add(Require(key, LabelOperator.Equals, [value]));
        }

        foreach (var expression in model.MatchExpressions ?? [])
        {
            LabelOperator op = expression.OperatorProperty switch
            {
                "In" => LabelOperator.In,
                "NotIn" => LabelOperator.NotIn,
                "Exists" => LabelOperator.Exists,
                "DoesNotExist" => LabelOperator.DoesNotExist,
                _ => throw new FormatException($"\"{expression.OperatorProperty}\" is not a valid label selector operator"),
            };
            requirements.Add(Require(expression.Key ?? "", op, expression.Values?.ToArray() ?? []));
        }

        return new LabelSelector(requirements, matchesNothing: false);
    }

    public override string ToString() => _matchesNothing ? "<none>" : string.Join(",", _requirements);

    private static LabelRequirement Require(string key, LabelOperator op, IReadOnlyList<string> values) =>
        LabelRequirement.Create(key, op, values, out var error) ?? throw new FormatException(error);
}
