using System.Globalization;
using System.Text.RegularExpressions;

namespace AdmissionGuard.Sandbox.Cel;

/// <summary>
/// Kubernetes' CEL quantity library (<c>quantity('1Gi')</c>, <c>isQuantity</c>, <c>isLessThan</c>, <c>add</c>...): a
/// resource quantity as kube-apiserver's <c>resource.ParseQuantity</c> reads it, kept as a <see cref="decimal"/> (28
/// significant digits; larger quantities are an error here, where a cluster keeps arbitrary precision). Two
/// quantities are equal when their values are, whatever their suffixes: <c>quantity('1Gi') == quantity('1024Mi')</c>.
/// </summary>
internal sealed partial class CelQuantity(decimal value, string text) : IEquatable<CelQuantity>
{
    public static readonly CelType Type = new("kubernetes.Quantity");

    private static readonly Dictionary<string, decimal> Multipliers = new(StringComparer.Ordinal)
    {
        [""] = 1m,
        ["n"] = 0.000_000_001m,
        ["u"] = 0.000_001m,
        ["m"] = 0.001m,
        ["k"] = 1_000m,
        ["M"] = 1_000_000m,
        ["G"] = 1_000_000_000m,
        ["T"] = 1_000_000_000_000m,
        ["P"] = 1_000_000_000_000_000m,
        ["E"] = 1_000_000_000_000_000_000m,
        ["Ki"] = 1L << 10,
        ["Mi"] = 1L << 20,
        ["Gi"] = 1L << 30,
        ["Ti"] = 1L << 40,
        ["Pi"] = 1L << 50,
        ["Ei"] = 1L << 60,
    };

    public decimal Value { get; } = value;

    /// <summary><c>quantity(string)</c>.</summary>
    public static CelQuantity Parse(string text) =>
        TryParse(text) ?? throw new CelEvaluationException($"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': '{text}'");

    /// <summary><c>isQuantity(string)</c>.</summary>
    public static bool IsQuantity(string text) => TryParse(text) is not null;

    public object Call(string method, object?[] args) => (method, args) switch
    {
        ("sign", []) => (long)Math.Sign(Value),
        ("isInteger", []) => IsInteger,
        ("asInteger", []) => IsInteger ? (long)Value : throw new CelEvaluationException($"cannot convert value to integer: {text} is not an integer or does not fit in int"),
        ("asApproximateFloat", []) => (double)Value,
        ("add", [CelQuantity other]) => Sum(Value + other.Value),
        ("add", [long other]) => Sum(Value + other),
        ("sub", [CelQuantity other]) => Sum(Value - other.Value),
        ("sub", [long other]) => Sum(Value - other),
        ("isLessThan", [CelQuantity other]) => Value < other.Value,
        ("isGreaterThan", [CelQuantity other]) => Value > other.Value,
        ("compareTo", [CelQuantity other]) => (long)Value.CompareTo(other.Value),
        _ => throw CelInterpreter.NoOverload(method, [this, .. args]),
    };

    public bool Equals(CelQuantity? other) => other is not null && Value == other.Value;

    public override bool Equals(object? obj) => obj is CelQuantity other && Equals(other);

    public override int GetHashCode() => Value.GetHashCode();

    public override string ToString() => text;

    private bool IsInteger => decimal.Truncate(Value) == Value && Value is >= long.MinValue and <= long.MaxValue;

    private static CelQuantity Sum(decimal value) => new(value, value.ToString(CultureInfo.InvariantCulture));

    private static CelQuantity? TryParse(string text)
    {
        var match = Syntax().Match(text);
        if (!match.Success)
        {
            return null;
        }

        try
        {
            var number = decimal.Parse(match.Groups["number"].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            var suffix = match.Groups["suffix"].Value;
            var multiplier = suffix.Length > 1 && suffix[0] is 'e' or 'E' && suffix[1] != 'i'
                ? Power(int.Parse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))
                : Multipliers[suffix];
            return new CelQuantity(number * multiplier, text);
        }
        catch (OverflowException)
        {
            throw new CelEvaluationException($"the sandbox's CEL keeps quantities as 28-digit decimals and '{text}' exceeds them (kube-apiserver does not): test this expression on a cluster");
        }
    }

    private static decimal Power(int exponent) =>
        exponent is < -28 or > 28 ? throw new OverflowException() : exponent >= 0 ? Pow10(exponent) : 1m / Pow10(-exponent);

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    // resource.ParseQuantity: a signed decimal, then a binary-SI, decimal-SI or exponent suffix (E alone is exa).
    [GeneratedRegex(@"^(?<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+|[numkMGTPE]?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Syntax();
}
