namespace AdmissionGuard.Sandbox.Cel;

/// <summary>
/// CEL's grammar (cel-spec <c>langdef.md</c>) by recursive descent, with the standard macros (<c>has</c>, <c>all</c>,
/// <c>exists</c>, <c>exists_one</c>, <c>map</c>, <c>filter</c>) and the optional syntax kube-apiserver enables
/// (<c>a.?f</c>, <c>a[?k]</c>).
/// </summary>
internal sealed class CelParser
{
    private const int MaxDepth = 250;
    private static readonly HashSet<string> Comprehensions = new(StringComparer.Ordinal) { "all", "exists", "exists_one", "map", "filter" };

    private readonly string _source;
    private readonly List<CelToken> _tokens;
    private int _position;
    private int _depth;

    private CelParser(string source)
    {
        _source = source;
        _tokens = CelLexer.Tokenize(source);
    }

    public static CelExpr Parse(string source)
    {
        var parser = new CelParser(source);
        var expression = parser.Expression();
        if (parser.Peek.Kind != CelTokenKind.End)
        {
            throw parser.Unexpected();
        }

        // Operator chains (a + a + ... + a) nest without recursing here, but evaluating them recurses: bound them too.
        return Depth(expression) <= MaxDepth ? expression : throw CelCompileException.At(source, 0, $"expression recursion limit exceeded: {MaxDepth}");
    }

    private CelToken Peek => _tokens[_position];

    private static int Depth(CelExpr root)
    {
        var deepest = 0;
        var pending = new Stack<(CelExpr Expression, int Depth)>();
        pending.Push((root, 1));
        while (pending.TryPop(out var next))
        {
            deepest = Math.Max(deepest, next.Depth);
            var children = next.Expression is CelComprehension comprehension ? comprehension.Children.Append(comprehension.Range) : next.Expression.Children;
            foreach (var child in children)
            {
                pending.Push((child, next.Depth + 1));
            }
        }

        return deepest;
    }

    private CelToken Next() => _tokens[_position++];

    private bool TryTake(string op)
    {
        if (!Peek.Is(op))
        {
            return false;
        }

        _position++;
        return true;
    }

    private CelToken Expect(string op) => Peek.Is(op) ? Next() : throw Unexpected($"expecting '{op}'");

    private CelCompileException Unexpected(string? expecting = null) =>
        CelCompileException.At(_source, Peek.Offset, $"Syntax error: mismatched input '{Peek}'{(expecting is null ? "" : $" {expecting}")}");

    private CelExpr Expression()
    {
        if (++_depth > MaxDepth)
        {
            throw CelCompileException.At(_source, Peek.Offset, $"expression recursion limit exceeded: {MaxDepth}");
        }

        var condition = Or();
        if (TryTake("?"))
        {
            var then = Or();
            Expect(":");
            var otherwise = Expression();
            condition = new CelConditional(condition.Offset, condition, then, otherwise);
        }

        _depth--;
        return condition;
    }

    private CelExpr Or()
    {
        var left = And();
        while (Peek.Is("||"))
        {
            var offset = Next().Offset;
            left = new CelLogical(offset, true, left, And());
        }

        return left;
    }

    private CelExpr And()
    {
        var left = Relation();
        while (Peek.Is("&&"))
        {
            var offset = Next().Offset;
            left = new CelLogical(offset, false, left, Relation());
        }

        return left;
    }

    private CelExpr Relation()
    {
        var left = Addition();
        while (Peek.Kind == CelTokenKind.Operator && Peek.Text is "==" or "!=" or "<" or "<=" or ">" or ">="
               || Peek.Kind == CelTokenKind.Identifier && Peek.Text == "in")
        {
            var op = Next();
            left = new CelBinary(op.Offset, op.Text, left, Addition());
        }

        return left;
    }

    private CelExpr Addition()
    {
        var left = Multiplication();
        while (Peek.Kind == CelTokenKind.Operator && Peek.Text is "+" or "-")
        {
            var op = Next();
            left = new CelBinary(op.Offset, op.Text, left, Multiplication());
        }

        return left;
    }

    private CelExpr Multiplication()
    {
        var left = Unary();
        while (Peek.Kind == CelTokenKind.Operator && Peek.Text is "*" or "/" or "%")
        {
            var op = Next();
            left = new CelBinary(op.Offset, op.Text, left, Unary());
        }

        return left;
    }

    private CelExpr Unary()
    {
        if (Peek.Is("!") || Peek.Is("-"))
        {
            // Nested like parentheses: a run of operators must not exhaust the stack.
            if (++_depth > MaxDepth)
            {
                throw CelCompileException.At(_source, Peek.Offset, $"expression recursion limit exceeded: {MaxDepth}");
            }

            var unary = UnaryOperator();
            _depth--;
            return unary;
        }

        return Member(Primary());
    }

    private CelExpr UnaryOperator()
    {
        var op = Next();
        if (op.Text == "!")
        {
            return new CelUnary(op.Offset, "!", Unary());
        }

        // -9223372036854775808 is a literal: its digits alone do not fit an int.
        if (Peek.Kind == CelTokenKind.Int && !_tokens[_position + 1].Is(".") && !_tokens[_position + 1].Is("["))
        {
            var digits = (ulong)Next().Value;
            return Member(new CelLiteral(op.Offset, digits == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)digits));
        }

        return new CelUnary(op.Offset, "-", Unary());
    }

    private CelExpr Member(CelExpr operand)
    {
        while (true)
        {
            if (Peek.Is(".") || Peek.Is(".?"))
            {
                var optional = Next().Text == ".?";
                var name = Peek.Kind == CelTokenKind.Identifier ? Next() : throw Unexpected("expecting IDENTIFIER");
                if (!optional && Peek.Is("("))
                {
                    Next();
                    operand = MethodCall(operand, name, Arguments(")"));
                }
                else
                {
                    operand = new CelSelect(name.Offset, operand, name.Text, Optional: optional);
                }
            }
            else if (Peek.Is("[") || Peek.Is("[?"))
            {
                var open = Next();
                var key = Expression();
                Expect("]");
                operand = new CelIndex(open.Offset, operand, key, open.Text == "[?");
            }
            else
            {
                return operand;
            }
        }
    }

    private CelExpr Primary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case CelTokenKind.Int:
                return (ulong)token.Value <= long.MaxValue
                    ? new CelLiteral(token.Offset, (long)(ulong)token.Value)
                    : throw CelCompileException.At(_source, token.Offset, "Syntax error: invalid int literal");
            case CelTokenKind.Uint or CelTokenKind.Double or CelTokenKind.String or CelTokenKind.Bytes:
                return new CelLiteral(token.Offset, token.Value);
            case CelTokenKind.Identifier:
                return Identifier(token);
            case CelTokenKind.Operator when token.Text == ".":
                // A leading dot names the root scope: `.object` is `object`.
                return Peek.Kind == CelTokenKind.Identifier ? Identifier(Next()) : throw Unexpected("expecting IDENTIFIER");
            case CelTokenKind.Operator when token.Text == "(":
                var inner = Expression();
                Expect(")");
                return inner;
            case CelTokenKind.Operator when token.Text == "[":
                return new CelList(token.Offset, Arguments("]", allowTrailingComma: true));
            case CelTokenKind.Operator when token.Text == "{":
                return MapLiteral(token.Offset);
            default:
                _position--;
                throw Unexpected();
        }
    }

    private CelExpr Identifier(CelToken token)
    {
        switch (token.Text)
        {
            case "true": return new CelLiteral(token.Offset, true);
            case "false": return new CelLiteral(token.Offset, false);
            case "null": return new CelLiteral(token.Offset, null);
            case "in": _position--; throw Unexpected();
        }

        if (CelLexer.Reserved.Contains(token.Text))
        {
            throw CelCompileException.At(_source, token.Offset, $"Syntax error: reserved identifier: {token.Text}");
        }

        if (!Peek.Is("("))
        {
            return new CelIdent(token.Offset, token.Text);
        }

        Next();
        var args = Arguments(")");
        if (token.Text != "has")
        {
            return new CelCall(token.Offset, null, token.Text, args);
        }

        return args is [CelSelect { Optional: false } select]
            ? select with { TestOnly = true }
            : throw CelCompileException.At(_source, token.Offset, "invalid argument to has() macro");
    }

    private CelExpr MethodCall(CelExpr target, CelToken name, List<CelExpr> args)
    {
        if (!Comprehensions.Contains(name.Text) || args.Count is < 2 or > 3)
        {
            return new CelCall(name.Offset, target, name.Text, args);
        }

        if (args[0] is not CelIdent variable)
        {
            throw CelCompileException.At(_source, args[0].Offset, "argument must be a simple name");
        }

        return (name.Text, args.Count) switch
        {
            ("map", 2) => new CelComprehension(name.Offset, "map", target, variable.Name, null, args[1]),
            ("map", 3) => new CelComprehension(name.Offset, "map", target, variable.Name, args[1], args[2]),
            (_, 2) => new CelComprehension(name.Offset, name.Text, target, variable.Name, args[1], null),
            _ => new CelCall(name.Offset, target, name.Text, args),
        };
    }

    private List<CelExpr> Arguments(string close, bool allowTrailingComma = false)
    {
        var args = new List<CelExpr>();
        if (TryTake(close))
        {
            return args;
        }

        while (true)
        {
            args.Add(Expression());
            if (TryTake(close))
            {
                return args;
            }

            Expect(",");
            if (allowTrailingComma && TryTake(close))
            {
                return args;
            }
        }
    }

    private CelMapLiteral MapLiteral(int offset)
    {
        var entries = new List<(CelExpr, CelExpr)>();
        while (!TryTake("}"))
        {
            var key = Expression();
            Expect(":");
            entries.Add((key, Expression()));
            if (!Peek.Is("}"))
            {
                Expect(",");
            }
        }

        return new CelMapLiteral(offset, entries);
    }
}
