using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AdmissionGuard.Sandbox.Cel;

/// <summary>
/// Evaluates a checked <see cref="CelExpr"/>. Errors are CEL error values, thrown as <see cref="CelEvaluationException"/>:
/// <c>&amp;&amp;</c>, <c>||</c>, <c>all</c> and <c>exists</c> absorb one when another operand decides the result, as
/// cel-go does; everything else passes it on.
/// </summary>
internal sealed class CelInterpreter(IReadOnlyDictionary<string, object?> variables)
{
    /// <summary>Functions of kube-apiserver's CEL libraries the sandbox knows by name but does not evaluate.</summary>
    public static readonly HashSet<string> Unimplemented = new(StringComparer.Ordinal)
    {
        "format", "quote", "reverse", "semver", "isSemver", "check", "allowed", "reason", "errored", "error",
        "path", "group", "resource", "namespace", "name", "subresource", "serviceAccount", "requestResource",
    };

    /// <summary>Global functions (<c>f(x)</c>) the interpreter evaluates.</summary>
    public static readonly HashSet<string> GlobalFunctions = new(StringComparer.Ordinal)
    {
        "size", "int", "uint", "double", "string", "bool", "bytes", "dyn", "type", "matches", "timestamp", "duration",
        "quantity", "isQuantity", "url", "isURL", "ip", "isIP", "cidr", "isCIDR",
    };

    /// <summary>Methods (<c>x.f(...)</c>) the interpreter evaluates.</summary>
    public static readonly HashSet<string> Methods = new(StringComparer.Ordinal)
    {
        "size", "contains", "startsWith", "endsWith", "matches", "lowerAscii", "upperAscii", "trim", "split", "join", "replace",
        "indexOf", "lastIndexOf", "substring", "charAt", "find", "findAll", "isSorted", "sum", "min", "max",
        "hasValue", "value", "orValue", "or", "getFullYear", "getMonth", "getDayOfYear", "getDayOfMonth", "getDate",
        "getDayOfWeek", "getHours", "getMinutes", "getSeconds", "getMilliseconds",
        "sign", "isInteger", "asInteger", "asApproximateFloat", "add", "sub", "isLessThan", "isGreaterThan", "compareTo",
        "getScheme", "getHost", "getHostname", "getPort", "getEscapedPath", "getQuery",
        "family", "isUnspecified", "isLoopback", "isLinkLocalMulticast", "isLinkLocalUnicast", "isGlobalUnicast",
        "containsIP", "containsCIDR", "ip", "masked", "prefixLength",
    };

    /// <summary>Evaluation steps one expression may take, as kube-apiserver bounds an admission expression's runtime cost.</summary>
    public const int CostLimit = 1_000_000;

    private int _cost;
    private bool _exhausted;

    private sealed record Scope(string Name, object? Value, Scope? Outer);

    public object? Evaluate(CelExpr expression) => Evaluate(expression, null);

    private object? Evaluate(CelExpr expression, Scope? scope)
    {
        if (++_cost > CostLimit)
        {
            // Nested macros can take exponential time; unlike other errors, nothing may absorb this one.
            _exhausted = true;
            throw new CelEvaluationException("operation cancelled: actual cost limit exceeded");
        }

        return Step(expression, scope);
    }

    private object? Step(CelExpr expression, Scope? scope) => expression switch
    {
        CelLiteral literal => literal.Value,
        CelIdent ident => Lookup(ident.Name, scope),
        CelSelect select => Select(select, scope),
        CelIndex index => Index(Evaluate(index.Operand, scope), Evaluate(index.Key, scope), index.Optional),
        CelList list => list.Items.Select(item => Evaluate(item, scope)).ToList(),
        CelMapLiteral map => MapLiteral(map, scope),
        CelUnary unary => Unary(unary.Operator, Evaluate(unary.Operand, scope)),
        CelBinary binary => Binary(binary.Operator, Evaluate(binary.Left, scope), Evaluate(binary.Right, scope)),
        CelLogical logical => Logical(logical, scope),
        CelConditional conditional => Evaluate(conditional, scope),
        CelComprehension comprehension => Comprehend(comprehension, scope),
        CelCall call => Call(call, scope),
        _ => throw new CelEvaluationException($"unsupported expression {expression.GetType().Name}"),
    };

    private object? Lookup(string name, Scope? scope)
    {
        if (Find(scope, name) is { } local)
        {
            return local.Value;
        }

        if (variables.TryGetValue(name, out var value))
        {
            return value is CelEvaluationException unavailable ? throw unavailable : value;
        }

        return CelValues.TypeNames.TryGetValue(name, out var type) ? type : throw new CelEvaluationException($"no such attribute: {name}");
    }

    private object? Select(CelSelect select, Scope? scope)
    {
        var operand = Evaluate(select.Operand, scope);
        if (operand is CelOptional optional)
        {
            // Chained optional selection: an empty optional stays empty, a present one is looked into.
            if (!optional.HasValue)
            {
                return select.TestOnly ? false : CelOptional.None;
            }

            operand = optional.Value;
            if (!select.TestOnly)
            {
                return Field(operand, select.Field, optional: true);
            }
        }

        if (select.TestOnly)
        {
            return operand is CelMap map ? map.Entries.ContainsKey(select.Field)
                : throw new CelEvaluationException($"invalid type for field selection: {CelValues.TypeName(operand)}");
        }

        return Field(operand, select.Field, select.Optional);
    }

    private static object? Field(object? operand, string field, bool optional)
    {
        if (operand is not CelMap map)
        {
            throw new CelEvaluationException(operand is null ? $"no such key: {field}" : $"invalid type for field selection: {CelValues.TypeName(operand)}");
        }

        if (map.Entries.TryGetValue(field, out var value))
        {
            // A member that erred when it was computed (a policy's variables) errs where it is read.
            return value is CelEvaluationException error ? throw error : optional ? new CelOptional(true, value) : value;
        }

        return optional ? CelOptional.None : throw new CelEvaluationException($"no such key: {field}");
    }

    private static object? Index(object? operand, object? key, bool optional)
    {
        if (operand is CelOptional wrapped)
        {
            if (!wrapped.HasValue)
            {
                return CelOptional.None;
            }

            operand = wrapped.Value;
            optional = true;
        }

        switch (operand)
        {
            case IReadOnlyList<object?> list:
                var position = key switch
                {
                    long l => l,
                    ulong u when u <= long.MaxValue => (long)u,
                    double d when d == Math.Floor(d) && d is >= long.MinValue and < long.MaxValue => (long)d,
                    _ => throw NoOverload("_[_]", operand, key),
                };
                if (position >= 0 && position < list.Count)
                {
                    return optional ? new CelOptional(true, list[(int)position]) : list[(int)position];
                }

                return optional ? CelOptional.None : throw new CelEvaluationException($"index out of bounds: {position}");
            case CelMap map:
                if (key is not (string or long or ulong or bool or double))
                {
                    throw new CelEvaluationException($"unsupported key type: {CelValues.TypeName(key)}");
                }

                if (map.Entries.TryGetValue(key, out var value))
                {
                    return optional ? new CelOptional(true, value) : value;
                }

                return optional ? CelOptional.None : throw new CelEvaluationException($"no such key: {CelValues.Format(key)}");
            default:
                throw NoOverload("_[_]", operand, key);
        }
    }

    private CelMap MapLiteral(CelMapLiteral literal, Scope? scope)
    {
        var entries = new Dictionary<object, object?>(CelMap.KeyComparer);
        foreach (var (keyExpression, valueExpression) in literal.Entries)
        {
            var key = Evaluate(keyExpression, scope);
            if (key is not (string or long or ulong or bool))
            {
                throw new CelEvaluationException($"unsupported key type: {CelValues.TypeName(key)}");
            }

            if (!entries.TryAdd(key, Evaluate(valueExpression, scope)))
            {
                throw new CelEvaluationException($"Failed with repeated key: {CelValues.Format(key)}");
            }
        }

        return new CelMap(entries);
    }

    private static object? Unary(string op, object? operand) => (op, operand) switch
    {
        ("!", bool b) => (object)!b,
        ("-", long l) => l == long.MinValue ? throw new CelEvaluationException("integer overflow") : (object)-l,
        ("-", double d) => (object)-d,
        ("-", TimeSpan d) => CelTime.Duration(-d),
        _ => throw NoOverload(op == "!" ? "!_" : "-_", operand),
    };

    private static object? Binary(string op, object? left, object? right)
    {
        switch (op)
        {
            case "==": return CelValues.Equal(left, right);
            case "!=": return !CelValues.Equal(left, right);
            case "<" or "<=" or ">" or ">=":
                var order = CelValues.Compare(left, right) ?? throw NoOverload($"_{op}_", left, right);
                return order != 2 && op switch { "<" => order < 0, "<=" => order <= 0, ">" => order > 0, _ => order >= 0 };
            case "in":
                return right switch
                {
                    IReadOnlyList<object?> list => list.Any(item => CelValues.Equal(item, left)),
                    CelMap map => left is not null && map.Entries.ContainsKey(left),
                    _ => throw NoOverload("@in", left, right),
                };
            default:
                return Arithmetic(op, left, right);
        }
    }

    private static object? Arithmetic(string op, object? left, object? right)
    {
        try
        {
            return (op, left, right) switch
            {
                ("+", long a, long b) => (object)checked(a + b),
                ("-", long a, long b) => (object)checked(a - b),
                ("*", long a, long b) => (object)checked(a * b),
                ("/", long a, long b) => b == 0 ? throw new CelEvaluationException("division by zero") : a == long.MinValue && b == -1 ? throw new OverflowException() : (object)(a / b),
                ("%", long a, long b) => b == 0 ? throw new CelEvaluationException("modulus by zero") : a == long.MinValue && b == -1 ? 0L : (object)(a % b),
                ("+", ulong a, ulong b) => (object)checked(a + b),
                ("-", ulong a, ulong b) => (object)checked(a - b),
                ("*", ulong a, ulong b) => (object)checked(a * b),
                ("/", ulong a, ulong b) => b == 0 ? throw new CelEvaluationException("division by zero") : (object)(a / b),
                ("%", ulong a, ulong b) => b == 0 ? throw new CelEvaluationException("modulus by zero") : (object)(a % b),
                ("+", double a, double b) => (object)(a + b),
                ("-", double a, double b) => (object)(a - b),
                ("*", double a, double b) => (object)(a * b),
                ("/", double a, double b) => (object)(a / b),
                ("+", string a, string b) => a + b,
                ("+", byte[] a, byte[] b) => a.Concat(b).ToArray(),
                ("+", IReadOnlyList<object?> a, IReadOnlyList<object?> b) => a.Concat(b).ToList(),
                ("+", DateTimeOffset t, TimeSpan d) => t + d,
                ("+", TimeSpan d, DateTimeOffset t) => t + d,
                ("-", DateTimeOffset t, TimeSpan d) => t - d,
                ("-", DateTimeOffset a, DateTimeOffset b) => CelTime.Duration(a - b),
                ("+", TimeSpan a, TimeSpan b) => CelTime.Duration(a + b),
                ("-", TimeSpan a, TimeSpan b) => CelTime.Duration(a - b),
                _ => throw NoOverload($"_{op}_", left, right),
            };
        }
        catch (OverflowException)
        {
            throw new CelEvaluationException(left is ulong ? "unsigned integer overflow" : "integer overflow");
        }
        catch (ArgumentOutOfRangeException)
        {
            // DateTimeOffset's own range (years 1 to 9999) is CEL's timestamp range.
            throw new CelEvaluationException("timestamp out of range");
        }
    }

    private bool Logical(CelLogical logical, Scope? scope)
    {
        var decisive = logical.IsOr;
        var left = Attempt(logical.Left, scope);
        if (left is bool l && l == decisive)
        {
            return decisive;
        }

        var right = Attempt(logical.Right, scope);
        if (right is bool r && r == decisive)
        {
            return decisive;
        }

        foreach (var operand in new[] { left, right })
        {
            if (operand is CelEvaluationException error)
            {
                throw error;
            }

            if (operand is not bool)
            {
                throw NoOverload(decisive ? "_||_" : "_&&_", left is CelEvaluationException ? null : left, right is CelEvaluationException ? null : right);
            }
        }

        return !decisive;
    }

    /// <summary>The value, or the error as a value.</summary>
    private object? Attempt(CelExpr expression, Scope? scope)
    {
        try
        {
            return Evaluate(expression, scope);
        }
        catch (CelEvaluationException e) when (!_exhausted)
        {
            return e;
        }
    }

    private object? Evaluate(CelConditional conditional, Scope? scope) =>
        Evaluate(conditional.Condition, scope) switch
        {
            true => Evaluate(conditional.Then, scope),
            false => Evaluate(conditional.Else, scope),
            var other => throw NoOverload("_?_:_", other),
        };

    private object? Comprehend(CelComprehension comprehension, Scope? scope)
    {
        var range = Evaluate(comprehension.Range, scope);
        var items = range switch
        {
            IReadOnlyList<object?> list => list,
            CelMap map => map.Entries.Keys.ToList(),
            _ => throw NoOverload(comprehension.Macro, range),
        };
        object? Each(CelExpr expression, object? item) => Attempt(expression, new Scope(comprehension.Variable, item, scope));
        switch (comprehension.Macro)
        {
            case "all" or "exists":
                var decisive = comprehension.Macro == "exists";
                CelEvaluationException? error = null;
                foreach (var item in items)
                {
                    switch (Each(comprehension.Predicate!, item))
                    {
                        case bool b when b == decisive: return decisive;
                        case bool: break;
                        case CelEvaluationException e: error ??= e; break;
                        case var other: error ??= NoOverload(comprehension.Macro, other); break;
                    }
                }

                return error is null ? !decisive : throw error;
            case "exists_one":
                return items.Count(item => Predicate(comprehension, Each(comprehension.Predicate!, item))) == 1;
            case "filter":
                return items.Where(item => Predicate(comprehension, Each(comprehension.Predicate!, item))).ToList();
            default:
                return items
                    .Where(item => comprehension.Predicate is null || Predicate(comprehension, Each(comprehension.Predicate, item)))
                    .Select(item => Each(comprehension.Transform!, item) is var mapped && mapped is CelEvaluationException e ? throw e : mapped)
                    .ToList();
        }
    }

    private static bool Predicate(CelComprehension comprehension, object? result) => result switch
    {
        bool b => b,
        CelEvaluationException e => throw e,
        _ => throw NoOverload(comprehension.Macro, result),
    };

    private object? Call(CelCall call, Scope? scope)
    {
        if (call.Target is CelIdent { Name: "optional" } && Find(scope, "optional") is null && !variables.ContainsKey("optional"))
        {
            return OptionalConstructor(call.Function, [.. call.Args.Select(a => Evaluate(a, scope))]);
        }

        if (call is { Target: CelIdent { Name: "ip" }, Function: "isCanonical", Args: [var text] } && Find(scope, "ip") is null && !variables.ContainsKey("ip"))
        {
            return Evaluate(text, scope) is string s ? CelNetwork.IsCanonical(s) : throw NoOverload("ip.isCanonical", Evaluate(text, scope));
        }

        var target = call.Target is null ? null : Evaluate(call.Target, scope);
        if (Unimplemented.Contains(call.Function))
        {
            throw new CelEvaluationException($"the sandbox's CEL does not implement {call.Function}() (kube-apiserver does): test this expression on a cluster");
        }

        var args = call.Args.Select(a => Evaluate(a, scope)).ToArray();
        return call.Target is null ? CelFunctions.Global(call.Function, args) : CelFunctions.Method(call.Function, target, args);
    }

    private static Scope? Find(Scope? scope, string name)
    {
        for (var s = scope; s is not null; s = s.Outer)
        {
            if (s.Name == name)
            {
                return s;
            }
        }

        return null;
    }

    private static CelOptional OptionalConstructor(string function, object?[] args) => (function, args) switch
    {
        ("of", [var value]) => new CelOptional(true, value),
        ("none", []) => CelOptional.None,
        ("ofNonZeroValue", [var value]) => IsZero(value) ? CelOptional.None : new CelOptional(true, value),
        _ => throw new CelEvaluationException($"no such overload: optional.{function}"),
    };

    private static bool IsZero(object? value) => value switch
    {
        null => true,
        bool b => !b,
        long l => l == 0,
        ulong u => u == 0,
        double d => d == 0,
        string s => s.Length == 0,
        byte[] bytes => bytes.Length == 0,
        IReadOnlyList<object?> list => list.Count == 0,
        CelMap map => map.Entries.Count == 0,
        TimeSpan d => d == TimeSpan.Zero,
        DateTimeOffset t => t == DateTimeOffset.UnixEpoch,
        _ => false,
    };

    internal static CelEvaluationException NoOverload(string function, params object?[] args) =>
        new($"no such overload: {function} applied to ({string.Join(", ", args.Select(CelValues.TypeName))})");
}

/// <summary>CEL's standard functions and the kube-apiserver string, list and regex libraries the sandbox evaluates.</summary>
internal static class CelFunctions
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    public static object? Global(string function, object?[] args) => (function, args) switch
    {
        ("size", [var value]) => Size(value),
        ("matches", [string text, string pattern]) => Regex(pattern).IsMatch(text),
        ("int", [var value]) => ToInt(value),
        ("uint", [var value]) => ToUint(value),
        ("double", [var value]) => ToDouble(value),
        ("string", [var value]) => ToStringValue(value),
        ("bool", [var value]) => ToBool(value),
        ("bytes", [string s]) => Encoding.UTF8.GetBytes(s),
        ("bytes", [byte[] b]) => b,
        ("dyn", [var value]) => value,
        ("type", [var value]) => CelValues.TypeOf(value),
        ("timestamp", [string text]) => CelTime.ParseTimestamp(text),
        ("timestamp", [DateTimeOffset t]) => t,
        ("timestamp", [long seconds]) => CelTime.FromUnixSeconds(seconds),
        ("duration", [string text]) => CelTime.ParseDuration(text),
        ("duration", [TimeSpan d]) => d,
        ("quantity", [string text]) => CelQuantity.Parse(text),
        ("isQuantity", [string text]) => CelQuantity.IsQuantity(text),
        ("url", [string text]) => CelUrl.Parse(text),
        ("isURL", [string text]) => CelUrl.IsUrl(text),
        ("ip", [string text]) => CelNetwork.ParseIp(text),
        ("isIP", [string text]) => CelNetwork.IsIp(text),
        ("cidr", [string text]) => CelNetwork.ParseCidr(text),
        ("isCIDR", [string text]) => CelNetwork.IsCidr(text),
        _ => throw CelInterpreter.NoOverload(function, args),
    };

    public static object? Method(string function, object? target, object?[] args)
    {
        switch (target, function, args)
        {
            case (_, "size", []): return Size(target);
            case (string s, "contains", [string x]): return s.Contains(x, StringComparison.Ordinal);
            case (string s, "startsWith", [string x]): return s.StartsWith(x, StringComparison.Ordinal);
            case (string s, "endsWith", [string x]): return s.EndsWith(x, StringComparison.Ordinal);
            case (string s, "matches", [string pattern]): return Regex(pattern).IsMatch(s);
            case (string s, "lowerAscii", []): return string.Concat(s.Select(c => char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c) : c));
            case (string s, "upperAscii", []): return string.Concat(s.Select(c => char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c) : c));
            case (string s, "trim", []): return s.Trim();
            case (string s, "split", [string separator]): return s.Split(separator).Cast<object?>().ToList();
            case (string s, "split", [string separator, long limit]): return Split(s, separator, limit);
            case (string s, "replace", [string from, string to]): return s.Replace(from, to, StringComparison.Ordinal);
            case (string s, "replace", [string from, string to, long limit]): return Replace(s, from, to, limit);
            case (string s, "indexOf", [string x]): return IndexOf(s, x);
            case (string s, "lastIndexOf", [string x]): return s.LastIndexOf(x, StringComparison.Ordinal) is var last and >= 0 ? (long)CodePoints(s[..last]).Count : -1L;
            case (string s, "charAt", [long index]): return CharAt(s, index);
            case (string s, "substring", [long start]): return Substring(s, start, CodePoints(s).Count);
            case (string s, "substring", [long start, long end]): return Substring(s, start, end);
            case (string s, "find", [string pattern]): return Regex(pattern).Match(s) is { Success: true } m ? m.Value : "";
            case (string s, "findAll", [string pattern]): return Regex(pattern).Matches(s).Select(m => (object?)m.Value).ToList();
            case (string s, "findAll", [string pattern, long limit]): return Regex(pattern).Matches(s).Take(limit < 0 ? int.MaxValue : (int)limit).Select(m => (object?)m.Value).ToList();
            case (IReadOnlyList<object?> list, "join", []): return Join(list, "");
            case (IReadOnlyList<object?> list, "join", [string separator]): return Join(list, separator);
            case (IReadOnlyList<object?> list, "indexOf", [var x]): return (long)IndexWhere(list, x, last: false);
            case (IReadOnlyList<object?> list, "lastIndexOf", [var x]): return (long)IndexWhere(list, x, last: true);
            case (IReadOnlyList<object?> list, "isSorted", []): return list.Zip(list.Skip(1)).All(p => Order(p.First, p.Second) <= 0);
            case (IReadOnlyList<object?> list, "sum", []): return Sum(list);
            case (IReadOnlyList<object?> list, "min", []): return Extreme(list, -1);
            case (IReadOnlyList<object?> list, "max", []): return Extreme(list, 1);
            case (CelOptional o, "hasValue", []): return o.HasValue;
            case (CelOptional o, "value", []): return o.HasValue ? o.Value : throw new CelEvaluationException("optional.none() dereference");
            case (CelOptional o, "orValue", [var fallback]): return o.HasValue ? o.Value : fallback;
            case (CelOptional o, "or", [CelOptional other]): return o.HasValue ? o : other;
            case (DateTimeOffset t, _, []) when function.StartsWith("get", StringComparison.Ordinal): return CelTime.Get(function, t, null);
            case (DateTimeOffset t, _, [string zone]) when function.StartsWith("get", StringComparison.Ordinal): return CelTime.Get(function, t, zone);
            case (TimeSpan d, _, []) when function.StartsWith("get", StringComparison.Ordinal): return CelTime.Get(function, d);
            case (CelQuantity q, _, _): return q.Call(function, args);
            case (CelUrl u, _, _): return u.Call(function, args);
            case (CelIp ip, _, _): return ip.Call(function, args);
            case (CelCidr cidr, _, _): return cidr.Call(function, args);
            default: throw CelInterpreter.NoOverload(function, [target, .. args]);
        }
    }

    private static long Size(object? value) => value switch
    {
        string s => CodePoints(s).Count,
        byte[] b => b.Length,
        IReadOnlyList<object?> list => list.Count,
        CelMap map => map.Entries.Count,
        _ => throw CelInterpreter.NoOverload("size", value),
    };

    private static long IndexOf(string s, string x)
    {
        var at = s.IndexOf(x, StringComparison.Ordinal);
        return at < 0 ? -1 : CodePoints(s[..at]).Count;
    }

    private static List<int> CodePoints(string s)
    {
        var points = new List<int>(s.Length);
        for (var i = 0; i < s.Length; i += char.IsSurrogatePair(s, i) ? 2 : 1)
        {
            points.Add(char.ConvertToUtf32(s, i));
        }

        return points;
    }

    private static string FromCodePoints(IEnumerable<int> points) => string.Concat(points.Select(char.ConvertFromUtf32));

    private static string CharAt(string s, long index)
    {
        var points = CodePoints(s);
        return index >= 0 && index <= points.Count
            ? index == points.Count ? "" : char.ConvertFromUtf32(points[(int)index])
            : throw new CelEvaluationException($"index out of range: {index}");
    }

    private static string Substring(string s, long start, long end)
    {
        var points = CodePoints(s);
        return start < 0 || end > points.Count || start > end
            ? throw new CelEvaluationException($"index out of range: {(start < 0 || start > points.Count ? start : end)}")
            : FromCodePoints(points.Skip((int)start).Take((int)(end - start)));
    }

    private static List<object?> Split(string s, string separator, long limit) => limit switch
    {
        0 => [],
        < 0 => s.Split(separator).Cast<object?>().ToList(),
        _ => s.Split(separator, (int)Math.Min(limit, int.MaxValue)).Cast<object?>().ToList(),
    };

    private static string Replace(string s, string from, string to, long limit)
    {
        var result = new StringBuilder();
        var position = 0;
        for (var count = 0; limit < 0 || count < limit; count++)
        {
            var found = s.IndexOf(from, position, StringComparison.Ordinal);
            if (found < 0 || from.Length == 0 && found >= s.Length)
            {
                break;
            }

            result.Append(s, position, found - position).Append(to);
            position = found + Math.Max(from.Length, 0);
            if (from.Length == 0)
            {
                result.Append(s[position]);
                position++;
            }
        }

        return result.Append(s, position, s.Length - position).ToString();
    }

    private static string Join(IReadOnlyList<object?> list, string separator) =>
        string.Join(separator, list.Select(item => item as string ?? throw CelInterpreter.NoOverload("join", item)));

    private static int IndexWhere(IReadOnlyList<object?> list, object? x, bool last)
    {
        var indexes = Enumerable.Range(0, list.Count).Where(i => CelValues.Equal(list[i], x));
        return last ? indexes.DefaultIfEmpty(-1).Last() : indexes.DefaultIfEmpty(-1).First();
    }

    private static int Order(object? a, object? b) =>
        CelValues.Compare(a, b) is { } order and not 2 ? order : throw CelInterpreter.NoOverload("isSorted", a, b);

    private static object? Sum(IReadOnlyList<object?> list) =>
        list.Count == 0 ? 0L : list.Skip(1).Aggregate(list[0], (total, item) => Arithmetic(total, item));

    private static object? Arithmetic(object? total, object? item) => (total, item) switch
    {
        (long a, long b) => (object)checked(a + b),
        (ulong a, ulong b) => (object)checked(a + b),
        (double a, double b) => (object)(a + b),
        _ => throw CelInterpreter.NoOverload("sum", total, item),
    };

    private static object? Extreme(IReadOnlyList<object?> list, int sign) =>
        list.Count == 0
            ? throw new CelEvaluationException($"{(sign < 0 ? "min" : "max")}(list) argument must not be empty")
            : list.Aggregate((best, item) => Order(item, best) * sign > 0 ? item : best);

    private static Regex Regex(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new CelEvaluationException($"invalid regular expression '{pattern}': {e.Message}");
        }
    }

    private static long ToInt(object? value) => value switch
    {
        long l => l,
        ulong u => u <= long.MaxValue ? (long)u : throw new CelEvaluationException("integer overflow"),
        double d => d is >= -9.2233720368547758e18 and < 9.2233720368547758e18 ? (long)Math.Truncate(d) : throw new CelEvaluationException("integer overflow"),
        string s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : throw new CelEvaluationException($"cannot convert '{s}' to int"),
        DateTimeOffset t => t.ToUnixTimeSeconds(),
        _ => throw CelInterpreter.NoOverload("int", value),
    };

    private static ulong ToUint(object? value) => value switch
    {
        ulong u => u,
        long l => l >= 0 ? (ulong)l : throw new CelEvaluationException("unsigned integer overflow"),
        double d => d is >= 0 and < 1.8446744073709552e19 ? (ulong)Math.Truncate(d) : throw new CelEvaluationException("unsigned integer overflow"),
        string s => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var u) ? u : throw new CelEvaluationException($"cannot convert '{s}' to uint"),
        _ => throw CelInterpreter.NoOverload("uint", value),
    };

    private static double ToDouble(object? value) => value switch
    {
        double d => d,
        long l => l,
        ulong u => u,
        string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new CelEvaluationException($"cannot convert '{s}' to double"),
        _ => throw CelInterpreter.NoOverload("double", value),
    };

    private static string ToStringValue(object? value) => value switch
    {
        string or bool or long or ulong or double or DateTimeOffset or TimeSpan => CelValues.Format(value),
        CelIp or CelCidr => value.ToString()!,
        byte[] bytes => new UTF8Encoding(false, true).GetString(bytes),
        _ => throw CelInterpreter.NoOverload("string", value),
    };

    private static bool ToBool(object? value) => value switch
    {
        bool b => b,
        "1" or "t" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "false" or "FALSE" or "False" => false,
        string s => throw new CelEvaluationException($"type conversion error from 'string' to 'bool': '{s}'"),
        _ => throw CelInterpreter.NoOverload("bool", value),
    };
}
