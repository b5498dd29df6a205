namespace AdmissionGuard.Sandbox.Cel;

/// <summary>
/// A compiled CEL expression: parsed, and its names checked as kube-apiserver's compiler checks them (an unknown variable
/// or function is <c>undeclared reference to 'x' (in container '')</c>). Values are dynamic: type errors surface when the
/// expression is evaluated, as they do for kube-apiserver's <c>object</c> and <c>oldObject</c>, whose types it does not
/// know either.
/// </summary>
public sealed class CelProgram
{
    private readonly CelExpr _expression;

    private CelProgram(CelExpr expression) => _expression = expression;

    /// <param name="source">The expression.</param>
    /// <param name="variables">The names the expression may use (for webhook matchConditions: object, oldObject, request, authorizer).</param>
    /// <exception cref="CelCompileException">The expression does not parse or uses an undeclared name.</exception>
    public static CelProgram Compile(string source, IReadOnlySet<string> variables)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(variables);
        var expression = CelParser.Parse(source);
        Check(source, expression, variables, []);
        return new CelProgram(expression);
    }

    /// <summary>Evaluates with <paramref name="activation"/>'s values; a <see cref="CelEvaluationException"/> value stands for a variable that errs when read.</summary>
    /// <exception cref="CelEvaluationException">The expression evaluated to an error.</exception>
    public object? Evaluate(IReadOnlyDictionary<string, object?> activation) => new CelInterpreter(activation).Evaluate(_expression);

    private static void Check(string source, CelExpr expression, IReadOnlySet<string> variables, HashSet<string> locals)
    {
        switch (expression)
        {
            case CelIdent ident when !variables.Contains(ident.Name) && !locals.Contains(ident.Name) && !CelValues.TypeNames.ContainsKey(ident.Name):
                throw Undeclared(source, ident.Offset, ident.Name);
            case CelSelect select:
                Check(source, select.Operand, variables, locals);
                break;
            case CelIndex index:
                Check(source, index.Operand, variables, locals);
                Check(source, index.Key, variables, locals);
                break;
            case CelList list:
                list.Items.ToList().ForEach(item => Check(source, item, variables, locals));
                break;
            case CelMapLiteral map:
                foreach (var (key, value) in map.Entries)
                {
                    Check(source, key, variables, locals);
                    Check(source, value, variables, locals);
                }

                break;
            case CelUnary unary:
                Check(source, unary.Operand, variables, locals);
                break;
            case CelBinary binary:
                Check(source, binary.Left, variables, locals);
                Check(source, binary.Right, variables, locals);
                break;
            case CelLogical logical:
                Check(source, logical.Left, variables, locals);
                Check(source, logical.Right, variables, locals);
                break;
            case CelConditional conditional:
                Check(source, conditional.Condition, variables, locals);
                Check(source, conditional.Then, variables, locals);
                Check(source, conditional.Else, variables, locals);
                break;
            case CelComprehension comprehension:
                Check(source, comprehension.Range, variables, locals);
                var inner = new HashSet<string>(locals, StringComparer.Ordinal) { comprehension.Variable };
                foreach (var part in new[] { comprehension.Predicate, comprehension.Transform })
                {
                    if (part is not null)
                    {
                        Check(source, part, variables, inner);
                    }
                }

                break;
            case CelCall call:
                CheckCall(source, call, variables, locals);
                break;
        }
    }

    private static void CheckCall(string source, CelCall call, IReadOnlySet<string> variables, HashSet<string> locals)
    {
        var known = CelInterpreter.Unimplemented.Contains(call.Function)
            || (call.Target is null ? CelInterpreter.GlobalFunctions : CelInterpreter.Methods).Contains(call.Function);
        if (call.Target is CelIdent { Name: "optional" } && !locals.Contains("optional") && !variables.Contains("optional"))
        {
            known = call.Function is "of" or "none" or "ofNonZeroValue";
            if (!known)
            {
                throw Undeclared(source, call.Offset, $"optional.{call.Function}");
            }
        }
        else if (call.Target is not null)
        {
            Check(source, call.Target, variables, locals);
        }

        if (!known)
        {
            throw Undeclared(source, call.Offset, call.Function);
        }

        foreach (var argument in call.Args)
        {
            Check(source, argument, variables, locals);
        }
    }

    private static CelCompileException Undeclared(string source, int offset, string name) =>
        CelCompileException.At(source, offset, $"undeclared reference to '{name}' (in container '')");
}
