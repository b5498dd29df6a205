using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AdmissionGuard.Sandbox.Cel;

/// <summary>A CEL type as a value: what <c>type(x)</c> returns and what <c>int</c>, <c>string</c>... name.</summary>
internal sealed record CelType(string Name)
{
    public override string ToString() => Name;
}

/// <summary>CEL's <c>optional_type</c>: a value or none.</summary>
internal sealed record CelOptional(bool HasValue, object? Value)
{
    public static readonly CelOptional None = new(false, null);
}

/// <summary>A CEL map: keys are int, uint, bool or string; numerically equal keys are the same key.</summary>
internal sealed class CelMap(Dictionary<object, object?> entries)
{
    public static IEqualityComparer<object> KeyComparer { get; } = new CelKeyComparer();

    public Dictionary<object, object?> Entries { get; } = entries;

    private sealed class CelKeyComparer : IEqualityComparer<object>
    {
        public new bool Equals(object? x, object? y) => CelValues.Equal(x, y);

        public int GetHashCode(object obj) => obj switch
        {
            long l => l.GetHashCode(),
            ulong u => u <= long.MaxValue ? ((long)u).GetHashCode() : u.GetHashCode(),
            double d => d == Math.Floor(d) && d is >= long.MinValue and < long.MaxValue ? ((long)d).GetHashCode() : d.GetHashCode(),
            _ => obj.GetHashCode(),
        };
    }
}

/// <summary>
/// CEL values in .NET: null, bool, long (int), ulong (uint), double, string, byte[] (bytes), a list
/// (<see cref="IReadOnlyList{T}"/>), <see cref="CelMap"/>, <see cref="CelType"/>, <see cref="CelOptional"/>,
/// <see cref="DateTimeOffset"/> (timestamp) and <see cref="TimeSpan"/> (duration, see <see cref="CelTime"/>); their
/// equality (heterogeneous: numbers compare by value across int, uint and double), ordering and type names.
/// </summary>
internal static class CelValues
{
    public static readonly CelType IntType = new("int");
    public static readonly CelType UintType = new("uint");
    public static readonly CelType DoubleType = new("double");
    public static readonly CelType BoolType = new("bool");
    public static readonly CelType StringType = new("string");
    public static readonly CelType BytesType = new("bytes");
    public static readonly CelType ListType = new("list");
    public static readonly CelType MapType = new("map");
    public static readonly CelType NullType = new("null_type");
    public static readonly CelType TypeType = new("type");
    public static readonly CelType OptionalType = new("optional_type");

    public static readonly IReadOnlyDictionary<string, CelType> TypeNames = new[]
    {
        IntType, UintType, DoubleType, BoolType, StringType, BytesType, ListType, MapType, NullType, TypeType,
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>
    /// JSON as kube-apiserver hands an object to CEL: integers as int, other numbers as double, and null members left
    /// out (a typed object converted to unstructured has no nulls: Go's omitempty).
    /// </summary>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => new CelMap(o.Where(p => p.Value is not null).ToDictionary(p => (object)p.Key, p => FromJson(p.Value), CelMap.KeyComparer)),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => Number(v.ToJsonString()),
            _ => null,
        },
        _ => null,
    };

    /// <summary>A JSON number by its text, whatever .NET type the node holds: integers as int (uint beyond), others as double.</summary>
    private static object Number(string text) =>
        text.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? (object)l
        : text.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u) ? (object)u
        : (object)double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static CelType TypeOf(object? value) => value switch
    {
        null => NullType,
        bool => BoolType,
        long => IntType,
        ulong => UintType,
        double => DoubleType,
        string => StringType,
        byte[] => BytesType,
        IReadOnlyList<object?> => ListType,
        CelMap => MapType,
        CelType => TypeType,
        CelOptional => OptionalType,
        DateTimeOffset => CelTime.TimestampType,
        TimeSpan => CelTime.DurationType,
        CelQuantity => CelQuantity.Type,
        CelUrl => CelUrl.Type,
        CelIp => CelNetwork.IpType,
        CelCidr => CelNetwork.CidrType,
        _ => new CelType(value.GetType().Name),
    };

    public static string TypeName(object? value) => TypeOf(value).Name;

    public static bool Equal(object? left, object? right)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            return CompareNumbers(left!, right!) == 0;
        }

        return (left, right) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (IReadOnlyList<object?> a, IReadOnlyList<object?> b) => a.Count == b.Count && a.Zip(b).All(p => Equal(p.First, p.Second)),
            (CelMap a, CelMap b) => a.Entries.Count == b.Entries.Count
                && a.Entries.All(e => b.Entries.TryGetValue(e.Key, out var other) && Equal(e.Value, other)),
            (CelOptional a, CelOptional b) => a.HasValue == b.HasValue && Equal(a.Value, b.Value),
            _ => left.GetType() == right.GetType() && left.Equals(right),
        };
    }

    /// <summary>Ordering for <c>&lt; &lt;= &gt; &gt;=</c>: numbers across types, strings, bytes and bools; null otherwise (no overload).</summary>
    public static int? Compare(object? left, object? right)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            return CompareNumbers(left!, right!);
        }

        return (left, right) switch
        {
            (string a, string b) => Math.Sign(string.CompareOrdinal(a, b)),
            (bool a, bool b) => a.CompareTo(b),
            (byte[] a, byte[] b) => Math.Sign(a.AsSpan().SequenceCompareTo(b)),
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (TimeSpan a, TimeSpan b) => a.CompareTo(b),
            _ => null,
        };
    }

    public static bool IsNumber(object? value) => value is long or ulong or double;

    /// <summary>Compares numbers by value, as CEL's cross-type numeric comparison does (NaN is unordered: never equal).</summary>
    private static int CompareNumbers(object left, object right)
    {
        switch (left, right)
        {
            case (long a, long b): return a.CompareTo(b);
            case (ulong a, ulong b): return a.CompareTo(b);
            case (long a, ulong b): return a < 0 ? -1 : ((ulong)a).CompareTo(b);
            case (ulong a, long b): return b < 0 ? 1 : a.CompareTo((ulong)b);
        }

        var x = ToDouble(left);
        var y = ToDouble(right);
        return double.IsNaN(x) || double.IsNaN(y) ? 2 : x.CompareTo(y);
    }

    private static double ToDouble(object number) => number switch
    {
        long l => l,
        ulong u => u,
        _ => (double)number,
    };

    /// <summary>The value as CEL's <c>string()</c> and error messages render it.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        ulong u => u.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        string s => s,
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
        IReadOnlyList<object?> list => $"[{string.Join(", ", list.Select(Quoted))}]",
        CelMap map => $"{{{string.Join(", ", map.Entries.Select(e => $"{Quoted(e.Key)}: {Quoted(e.Value)}"))}}}",
        CelOptional { HasValue: true } o => $"optional.of({Quoted(o.Value)})",
        CelOptional => "optional.none()",
        DateTimeOffset t => CelTime.Format(t),
        TimeSpan d => CelTime.Format(d),
        _ => value.ToString() ?? "",
    };

    private static string Quoted(object? value) => value is string s ? $"\"{s}\"" : Format(value);

    private static string FormatDouble(double d) =>
        double.IsPositiveInfinity(d) ? "+Inf" : double.IsNegativeInfinity(d) ? "-Inf" : double.IsNaN(d) ? "NaN" : d.ToString("R", CultureInfo.InvariantCulture);
}
