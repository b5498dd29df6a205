using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AdmissionGuard.Sandbox.Cel;

/// <summary>
/// A compiled CEL expression: parsed, and its names checked as kube-apiserver's compiler checks them (an unknown variable
/// or function is <c>undeclared reference to 'x' (in container '')</c>). Values are dynamic: type errors surface when the
/// expression is evaluated, as they do for kube-apiserver's <c>object</c> and <c>oldObject</c>, whose types it does not
/// know either.
/// </summary>
public sealed class CelProgram
{
    private static readonly ConditionalWeakTable<IReadOnlySet<string>, ConcurrentDictionary<string, CelProgram>> Compiled = new();

    private readonly CelExpr _expression;

    private CelProgram(CelExpr expression) => _expression = expression;

    /// <param name="source">The expression.</param>
    /// <param name="variables">The names the expression may use (for webhook matchConditions: object, oldObject, request, authorizer).</param>
    /// <exception cref="CelCompileException">The expression does not parse or uses an undeclared name.</exception>
    public static CelProgram Compile(string source, IReadOnlySet<string> variables)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(variables);
        // Admission compiles the same stored expressions on every request: each is parsed once per environment.
        return Compiled.GetOrCreateValue(variables).GetOrAdd(source, static (text, declared) =>
        {
            var expression = CelParser.Parse(text);
            Check(text, expression, declared, []);
            return new CelProgram(expression);
        }, variables);
    }

    /// <summary>Evaluates with <paramref name="activation"/>'s values; a <see cref="CelEvaluationException"/> value stands for a variable that errs when read.</summary>
    /// <exception cref="CelEvaluationException">The expression evaluated to an error.</exception>
    public object? Evaluate(IReadOnlyDictionary<string, object?> activation) => new CelInterpreter(activation).Evaluate(_expression);

    private static void Check(string source, CelExpr expression, IReadOnlySet<string> variables, HashSet<string> locals)
    {
        bool Declared(string name) => variables.Contains(name) || locals.Contains(name);
        IEnumerable<CelExpr> children = expression.Children;
        switch (expression)
        {
            case CelIdent ident when !Declared(ident.Name) && !CelValues.TypeNames.ContainsKey(ident.Name):
                throw Undeclared(source, ident.Offset, ident.Name);
            case CelCall { Target: CelIdent { Name: "optional" } } call when !Declared("optional"):
                // `optional` names a namespace here (optional.of(x)), not a variable: only the arguments are expressions.
                children = call.Function is "of" or "none" or "ofNonZeroValue" ? call.Args : throw Undeclared(source, call.Offset, $"optional.{call.Function}");
                break;
            case CelCall { Target: CelIdent { Name: "ip" }, Function: "isCanonical" } call when !Declared("ip"):
                // `ip` names a namespace here (ip.isCanonical(s)), not a variable.
                children = call.Args;
                break;
            case CelCall call when !CelInterpreter.Unimplemented.Contains(call.Function)
                                   && !(call.Target is null ? CelInterpreter.GlobalFunctions : CelInterpreter.Methods).Contains(call.Function):
                throw Undeclared(source, call.Offset, call.Function);
            case CelComprehension comprehension:
                Check(source, comprehension.Range, variables, locals);
                locals = new HashSet<string>(locals, StringComparer.Ordinal) { comprehension.Variable };
                break;
        }

        foreach (var child in children)
        {
            Check(source, child, variables, locals);
        }
    }

    private static CelCompileException Undeclared(string source, int offset, string name) =>
        CelCompileException.At(source, offset, $"undeclared reference to '{name}' (in container '')");
}
