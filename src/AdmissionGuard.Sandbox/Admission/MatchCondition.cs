using System.Globalization;
using System.Text.Json.Nodes;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// The subset of CEL the sandbox evaluates in webhook <c>matchConditions</c>: <c>object</c>, <c>oldObject</c> and
/// <c>request</c> field paths, <c>has(path)</c>, <c>!</c>, <c>&amp;&amp;</c>, <c>||</c> (short-circuit), <c>==</c> and
/// <c>!=</c> against string, number, boolean or null literals, <c>in</c> (a map's keys or a list's elements), and
/// parentheses. Enough for <c>!has(object.spec.hostNetwork) || !object.spec.hostNetwork</c> and
/// <c>!('kubernetes.io/config.mirror' in object.metadata.annotations)</c>; anything else is a compile error, which the
/// caller handles like kube-apiserver handles a CEL error: by the webhook's failurePolicy.
/// Reading an absent field is an evaluation error, as in CEL; <c>||</c> and <c>&amp;&amp;</c> absorb an error on
/// either side when the other side decides the result (<c>error || true</c> is true, <c>error &amp;&amp; false</c> is
/// false), and otherwise pass it on.
/// </summary>
internal sealed class MatchCondition
{
    private readonly Func<JsonObject, object?> _evaluate;
    private readonly string _text;
    private readonly List<string> _tokens;
    private int _position;

    private MatchCondition(string text)
    {
        _text = text;
        _tokens = Tokenize(text);
        _evaluate = ParseOr();
        if (_position != _tokens.Count)
        {
            throw Error($"unexpected '{_tokens[_position]}'");
        }
    }

    /// <exception cref="FormatException">The expression is outside the supported subset.</exception>
    public static MatchCondition Compile(string expression) => new(expression ?? "");

    /// <param name="variables">An object with the properties <c>object</c>, <c>oldObject</c>, <c>request</c>.</param>
    /// <exception cref="InvalidOperationException">Evaluation failed (missing field, wrong type).</exception>
    public bool Evaluate(JsonObject variables) =>
        _evaluate(variables) is bool result ? result : throw new InvalidOperationException($"expression '{_text}' does not evaluate to a bool");

    private Func<JsonObject, object?> ParseOr()
    {
        var left = ParseAnd();
        while (TryTake("||"))
        {
            var l = left;
            var right = ParseAnd();
            left = v => Logical(l, right, v, decisive: true);
        }

        return left;
    }

    private Func<JsonObject, object?> ParseAnd()
    {
        var left = ParseUnary();
        while (TryTake("&&"))
        {
            var l = left;
            var right = ParseUnary();
            left = v => Logical(l, right, v, decisive: false);
        }

        return left;
    }

    private Func<JsonObject, object?> ParseUnary()
    {
        if (TryTake("!"))
        {
            var operand = ParseUnary();
            return v => !AsBool(operand(v));
        }

        var primary = ParsePrimary();
        if (TryTake("=="))
        {
            var literal = ParseLiteral();
            return v => Equal(primary(v), literal);
        }

        if (TryTake("!="))
        {
            var literal = ParseLiteral();
            return v => !Equal(primary(v), literal);
        }

        if (TryTake("in"))
        {
            var container = ParsePrimary();
            return v => Contains(container(v), primary(v));
        }

        return primary;
    }

    private Func<JsonObject, object?> ParsePrimary()
    {
        if (TryTake("("))
        {
            var inner = ParseOr();
            Expect(")");
            return inner;
        }

        if (TryTake("has"))
        {
            Expect("(");
            var path = ParsePath();
            Expect(")");
            return v => Has(v, path);
        }

        if (Peek() is "true" or "false" or "null" || Peek() is { } t && (t[0] is '\'' or '"' || char.IsDigit(t[0])))
        {
            var literal = ParseLiteral();
            return _ => literal;
        }

        var fields = ParsePath();
        return v => Resolve(v, fields);
    }

    private List<string> ParsePath()
    {
        var first = Take();
        if (first is not ("object" or "oldObject" or "request"))
        {
            throw Error($"unknown variable '{first}' (supported: object, oldObject, request)");
        }

        var path = new List<string> { first };
        while (TryTake("."))
        {
            var field = Take();
            if (!char.IsLetter(field[0]) && field[0] != '_')
            {
                throw Error($"expected a field name after '.', got '{field}'");
            }

            path.Add(field);
        }

        return path;
    }

    private object? ParseLiteral()
    {
        var token = Take();
        return token switch
        {
            "true" => true,
            "false" => false,
            "null" => null,
            _ when token[0] is '\'' or '"' => token[1..^1],
            _ when double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
            _ => throw Error($"expected a literal, got '{token}'"),
        };
    }

    private static bool Has(JsonObject variables, List<string> path)
    {
        JsonNode? node = variables;
        for (var i = 0; i < path.Count - 1; i++)
        {
            node = node is JsonObject o && o.TryGetPropertyValue(path[i], out var child) ? child : throw new InvalidOperationException($"no such key: {path[i]}");
        }

        return node is JsonObject parent && parent.TryGetPropertyValue(path[^1], out var value) && value is not null;
    }

    private static object? Resolve(JsonObject variables, List<string> path)
    {
        JsonNode? node = variables;
        foreach (var field in path)
        {
            node = node is JsonObject o && o.TryGetPropertyValue(field, out var child) ? child : throw new InvalidOperationException($"no such key: {field}");
        }

        return Scalar(node);
    }

    /// <summary>A JSON scalar as bool, string or double; other nodes as they are.</summary>
    /// <remarks>The casts matter: without them the arms convert implicitly back to <see cref="JsonNode"/>.</remarks>
    private static object? Scalar(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out bool b) => (object)b,
        JsonValue v when v.TryGetValue(out string? s) => (object?)s,
        JsonValue v when v.TryGetValue(out double d) => (object)d,
        _ => (object?)node,
    };

    /// <summary>
    /// CEL's commutative <c>||</c> (<paramref name="decisive"/> true) and <c>&amp;&amp;</c> (false): an operand equal to
    /// <paramref name="decisive"/> decides, whatever the other is, even an error; otherwise the first error is the result.
    /// </summary>
    private static bool Logical(Func<JsonObject, object?> left, Func<JsonObject, object?> right, JsonObject variables, bool decisive)
    {
        var l = Operand(left, variables);
        if (l is bool lb && lb == decisive)
        {
            return decisive;
        }

        var r = Operand(right, variables);
        if (r is bool rb && rb == decisive)
        {
            return decisive;
        }

        foreach (var operand in new[] { l, r })
        {
            if (operand is InvalidOperationException error)
            {
                throw error;
            }

            AsBool(operand);
        }

        return !decisive;
    }

    private static object? Operand(Func<JsonObject, object?> operand, JsonObject variables)
    {
        try
        {
            return operand(variables);
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }

    private static bool AsBool(object? value) =>
        value is bool b ? b : throw new InvalidOperationException($"no such overload: expected a bool, got {value ?? "null"}");

    private static bool Equal(object? left, object? right) => Equals(left, right);

    private static bool Contains(object? container, object? element) => container switch
    {
        JsonObject map when element is string key => map.ContainsKey(key),
        JsonArray list => list.Any(item => Equal(Scalar(item), element)),
        _ => throw new InvalidOperationException($"no such overload: 'in' needs a map or a list, got {container ?? "null"}"),
    };

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0)
                {
                    throw new FormatException($"unterminated string in '{text}'");
                }

                tokens.Add(text[i..(end + 1)]);
                i = end + 1;
            }
            else if (char.IsLetterOrDigit(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-' && char.IsDigit(text[start])))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else if (i + 1 < text.Length && text.Substring(i, 2) is "&&" or "||" or "==" or "!=")
            {
                tokens.Add(text.Substring(i, 2));
                i += 2;
            }
            else if (c is '!' or '(' or ')' or '.')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else
            {
                throw new FormatException($"unsupported character '{c}' in '{text}' (the sandbox evaluates a subset of CEL)");
            }
        }

        return tokens;
    }

    private string? Peek() => _position < _tokens.Count ? _tokens[_position] : null;

    private string Take() => _position < _tokens.Count ? _tokens[_position++] : throw Error("unexpected end of expression");

    private bool TryTake(string token)
    {
        if (Peek() != token)
        {
            return false;
        }

        _position++;
        return true;
    }

    private void Expect(string token)
    {
        if (!TryTake(token))
        {
            throw Error($"expected '{token}'");
        }
    }

    private FormatException Error(string reason) =>
        new($"unsupported matchCondition '{_text}': {reason} (the sandbox evaluates a subset of CEL)");
}
