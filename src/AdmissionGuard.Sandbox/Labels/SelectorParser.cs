namespace AdmissionGuard.Sandbox.Labels;

/// <summary>
/// The string grammar of label selectors, as apimachinery's lexer and parser read it: <c>k</c>, <c>!k</c>,
/// <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k&gt;1</c>, <c>k&lt;1</c>, joined
/// by commas. <c>in</c> and <c>notin</c> are keywords only where an operator may stand; <c>k=</c> means the empty
/// value; <c>(,a)</c> holds the empty value too; a trailing comma is an error.
/// </summary>
internal sealed class SelectorParser(string text)
{
    private enum Kind
    {
        End,
        Identifier,
        Bang,
        NotEquals,
        Equals,
        DoubleEquals,
        In,
        NotIn,
        Open,
        Close,
        Comma,
        Greater,
        Less,
    }

    private readonly List<(Kind Kind, string Text)> _tokens = Lex(text);
    private int _position;

    /// <exception cref="FormatException">The apiserver's message, prefixed as its 400 answer is.</exception>
    public IReadOnlyList<LabelRequirement> Parse()
    {
        var requirements = new List<LabelRequirement>();
        while (true)
        {
            var (kind, literal) = Peek(valuesContext: true);
            if (kind == Kind.End)
            {
                return requirements;
            }

            if (kind is not (Kind.Identifier or Kind.Bang))
            {
                throw Error($"found '{literal}', expected: !, identifier, or 'end of string'");
            }

            requirements.Add(Requirement());
            var (after, afterLiteral) = Next(valuesContext: true);
            if (after == Kind.End)
            {
                return requirements;
            }

            if (after != Kind.Comma)
            {
                throw Error($"found '{afterLiteral}', expected: ',' or 'end of string'");
            }

            if (Peek(valuesContext: true) is var (next, nextLiteral) && next is not (Kind.Identifier or Kind.Bang))
            {
                throw Error($"found '{nextLiteral}', expected: identifier after ','");
            }
        }
    }

    private LabelRequirement Requirement()
    {
        var negated = Peek(valuesContext: true).Kind == Kind.Bang;
        if (negated)
        {
            Next(valuesContext: true);
        }

        var (kind, key) = Next(valuesContext: true);
        if (kind != Kind.Identifier)
        {
            throw Error($"found '{key}', expected: identifier");
        }

        if (negated || Peek(valuesContext: true).Kind is Kind.End or Kind.Comma)
        {
            return Create(key, negated ? LabelOperator.DoesNotExist : LabelOperator.Exists, []);
        }

        var (opKind, opLiteral) = Next(valuesContext: false);
        return opKind switch
        {
            Kind.In => Create(key, LabelOperator.In, SetOfValues()),
            Kind.NotIn => Create(key, LabelOperator.NotIn, SetOfValues()),
            Kind.Equals or Kind.DoubleEquals => Create(key, LabelOperator.Equals, ExactValue()),
            Kind.NotEquals => Create(key, LabelOperator.NotEquals, ExactValue()),
            Kind.Greater => Create(key, LabelOperator.GreaterThan, ExactValue()),
            Kind.Less => Create(key, LabelOperator.LessThan, ExactValue()),
            _ => throw Error($"found '{opLiteral}', expected: in, notin, =, ==, !=, gt, lt"),
        };
    }

    private List<string> ExactValue()
    {
        if (Peek(valuesContext: true).Kind is Kind.End or Kind.Comma)
        {
            return [""];
        }

        var (kind, literal) = Next(valuesContext: true);
        return kind == Kind.Identifier ? [literal] : throw Error($"found '{literal}', expected: identifier");
    }

    private List<string> SetOfValues()
    {
        var (open, literal) = Next(valuesContext: true);
        if (open != Kind.Open)
        {
            throw Error($"found '{literal}' expected: '('");
        }

        var values = new List<string>();
        while (true)
        {
            var (kind, value) = Next(valuesContext: true);
            switch (kind)
            {
                case Kind.Close:
                    return values;
                case Kind.Identifier:
                    values.Add(value);
                    var (after, afterLiteral) = Next(valuesContext: true);
                    if (after == Kind.Close)
                    {
                        return values;
                    }

                    if (after != Kind.Comma)
                    {
                        throw Error($"found '{afterLiteral}', expected: ',' or ')'");
                    }

                    // "(a,)" holds the empty value.
                    if (Peek(valuesContext: true).Kind == Kind.Close)
                    {
                        values.Add("");
                    }

                    break;
                case Kind.Comma:
                    // A comma with nothing before it ("(,a)" or "(a,,b)") stands for the empty value.
                    values.Add("");
                    if (Peek(valuesContext: true).Kind == Kind.Close)
                    {
                        Next(valuesContext: true);
                        return values;
                    }

                    break;
                default:
                    throw Error($"found '{value}', expected: ',', or identifier");
            }
        }
    }

    private static LabelRequirement Create(string key, LabelOperator op, List<string> values) =>
        LabelRequirement.Create(key, op, values, out var error) ?? throw Error(error);

    private (Kind Kind, string Text) Peek(bool valuesContext) => AsContext(_tokens[_position], valuesContext);

    private (Kind Kind, string Text) Next(bool valuesContext)
    {
        var token = Peek(valuesContext);
        if (_position < _tokens.Count - 1)
        {
            _position++;
        }

        return token;
    }

    // Where a value or key stands, the keywords are plain identifiers ("in=notin" is valid).
    private static (Kind Kind, string Text) AsContext((Kind Kind, string Text) token, bool valuesContext) =>
        valuesContext && token.Kind is Kind.In or Kind.NotIn ? (Kind.Identifier, token.Text) : token;

    private static FormatException Error(string reason) => new($"unable to parse requirement: {reason}");

    private static List<(Kind, string)> Lex(string text)
    {
        var tokens = new List<(Kind, string)>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var twoChars = i + 1 < text.Length ? text.Substring(i, 2) : "";
            if (twoChars is "!=" or "==")
            {
                tokens.Add((twoChars == "!=" ? Kind.NotEquals : Kind.DoubleEquals, twoChars));
                i += 2;
                continue;
            }

            Kind? symbol = c switch
            {
                '!' => Kind.Bang,
                '=' => Kind.Equals,
                '(' => Kind.Open,
                ')' => Kind.Close,
                ',' => Kind.Comma,
                '>' => Kind.Greater,
                '<' => Kind.Less,
                _ => null,
            };
            if (symbol is { } single)
            {
                tokens.Add((single, c.ToString()));
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && "!=(),><".IndexOf(text[i], StringComparison.Ordinal) < 0)
            {
                i++;
            }

            var word = text[start..i];
            tokens.Add((word switch { "in" => Kind.In, "notin" => Kind.NotIn, _ => Kind.Identifier }, word));
        }

        tokens.Add((Kind.End, ""));
        return tokens;
    }
}
