using System.Globalization;

namespace AdmissionGuard.Sandbox.Labels;

internal enum LabelOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

/// <summary>
/// One term of a label selector, with the checks and the matching of apimachinery's <c>labels.NewRequirement</c>
/// and <c>Requirement.Matches</c>: <c>!=</c> and <c>notin</c> match objects without the key; <c>Gt</c>/<c>Lt</c>
/// compare base-10 64-bit integers and never match a missing or non-integer label.
/// </summary>
internal sealed class LabelRequirement
{
    private LabelRequirement(string key, LabelOperator op, IReadOnlyList<string> values)
    {
        Key = key;
        Operator = op;
        Values = values;
    }

    public string Key { get; }

    public LabelOperator Operator { get; }

    public IReadOnlyList<string> Values { get; }

    /// <returns>The requirement, or null with <paramref name="error"/> saying what the API would reject.</returns>
    public static LabelRequirement? Create(string key, LabelOperator op, IReadOnlyList<string> values, out string error)
    {
        error = KeyError(key) ?? op switch
        {
            LabelOperator.In or LabelOperator.NotIn when values.Count == 0 => "for 'in', 'notin' operators, values set can't be empty",
            LabelOperator.Equals or LabelOperator.NotEquals when values.Count != 1 => "exact-match compatibility requires one single value",
            LabelOperator.Exists or LabelOperator.DoesNotExist when values.Count != 0 => "values set must be empty for exists and does not exist",
            LabelOperator.GreaterThan or LabelOperator.LessThan when values.Count != 1 => "for 'Gt', 'Lt' operators, exactly one value is required",
            LabelOperator.GreaterThan or LabelOperator.LessThan when ParseInteger(values[0]) is null => "for 'Gt', 'Lt' operators, the value must be an integer",
            _ => values.Select(v => ValueError(key, v)).FirstOrDefault(e => e is not null) ?? "",
        };
        return error.Length == 0 ? new LabelRequirement(key, op, values.Distinct(StringComparer.Ordinal).ToArray()) : null;
    }

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        string? actual = null;
        var has = labels is not null && labels.TryGetValue(Key, out actual);
        return Operator switch
        {
            LabelOperator.Equals or LabelOperator.In => has && Values.Contains(actual),
            LabelOperator.NotEquals or LabelOperator.NotIn => !has || !Values.Contains(actual),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            LabelOperator.GreaterThan => has && ParseInteger(actual) > ParseInteger(Values[0]),
            LabelOperator.LessThan => has && ParseInteger(actual) < ParseInteger(Values[0]),
            _ => false,
        };
    }

    public override string ToString() => Operator switch
    {
        LabelOperator.Exists => Key,
        LabelOperator.DoesNotExist => "!" + Key,
        LabelOperator.Equals => $"{Key}={Values[0]}",
        LabelOperator.NotEquals => $"{Key}!={Values[0]}",
        LabelOperator.In => $"{Key} in ({string.Join(",", Values)})",
        LabelOperator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
        LabelOperator.GreaterThan => $"{Key}>{Values[0]}",
        _ => $"{Key}<{Values[0]}",
    };

    // strconv.ParseInt(s, 10, 64): optional sign, decimal digits, no spaces; null (never compares) otherwise.
    private static long? ParseInteger(string? text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    // kube-apiserver's messages for a selector's key and values (field.Invalid with apimachinery's reasons).
    private static string? KeyError(string key) =>
        string.Join("; ", LabelSyntax.QualifiedNameErrors(key)) is { Length: > 0 } errors ? $"key: Invalid value: \"{key}\": {errors}" : null;

    private static string? ValueError(string key, string value) =>
        string.Join("; ", LabelSyntax.LabelValueErrors(value)) is { Length: > 0 } errors ? $"values[0][{key}]: Invalid value: \"{value}\": {errors}" : null;
}
