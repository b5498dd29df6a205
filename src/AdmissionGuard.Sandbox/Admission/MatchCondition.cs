using AdmissionGuard.Sandbox.Cel;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// A webhook's <c>matchConditions</c> expression, compiled as kube-apiserver compiles it: CEL (<see cref="CelProgram"/>)
/// over the variables <c>object</c>, <c>oldObject</c>, <c>request</c> and <c>authorizer</c>. Reading an absent field is
/// an evaluation error, as in CEL; <c>||</c> and <c>&amp;&amp;</c> absorb an error on either side when the other side
/// decides the result. The sandbox authorizes nothing, so reading <c>authorizer</c> is an error.
/// </summary>
internal sealed class MatchCondition
{
    private static readonly HashSet<string> Variables = new(StringComparer.Ordinal) { "object", "oldObject", "request", "authorizer" };

    private readonly CelProgram _program;
    private readonly string _text;

    private MatchCondition(string text)
    {
        _text = text;
        _program = CelProgram.Compile(text, Variables);
    }

    /// <exception cref="CelCompileException">The expression does not compile; the message is cel-go's.</exception>
    public static MatchCondition Compile(string expression) => new(expression ?? "");

    /// <param name="variables">The request's variables (<see cref="AdmissionMatch.ConditionVariables"/>).</param>
    /// <exception cref="CelEvaluationException">Evaluation failed (missing field, wrong type), or the result is not a bool.</exception>
    public bool Evaluate(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return _program.Evaluate(variables) is bool result
            ? result
            : throw new CelEvaluationException($"expression '{_text}' does not evaluate to a bool");
    }
}
