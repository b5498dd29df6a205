using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Admission;

namespace AdmissionGuard.Sandbox.Tests.Admission;

public sealed class MatchConditionTests
{
    private static IReadOnlyDictionary<string, object?> Variables(string spec) => AdmissionMatch.ConditionVariables(new JsonObject
    {
        ["operation"] = "CREATE",
        ["subResource"] = "binding",
        ["object"] = JsonNode.Parse($$$"""{"metadata":{"name":"p","annotations":{"kubernetes.io/config.mirror":"x"}},"spec":{{{spec}}}}"""),
        ["oldObject"] = null,
    });

    [Theory]
    [InlineData("!has(object.spec.hostNetwork) || !object.spec.hostNetwork", "{}", true)]
    [InlineData("!has(object.spec.hostNetwork) || !object.spec.hostNetwork", """{"hostNetwork":false}""", true)]
    [InlineData("!has(object.spec.hostNetwork) || !object.spec.hostNetwork", """{"hostNetwork":true}""", false)]
    [InlineData("request.operation == 'CREATE' && request.subResource != \"status\"", "{}", true)]
    [InlineData("(object.metadata.name == 'q') || false", "{}", false)]
    [InlineData("!has(object.metadata.annotations) || !('kubernetes.io/config.mirror' in object.metadata.annotations)", "{}", false)]
    [InlineData("'other' in object.metadata.annotations", "{}", false)]
    [InlineData("'a' in object.spec.list && !('c' in object.spec.list)", """{"list":["a","b"]}""", true)]
    [InlineData("'a' in object.spec.list", """{"list":["a","b"]}""", true)]
    [InlineData("'c' in object.spec.list", """{"list":["a","b"]}""", false)]
    public void Supported_expressions_evaluate_like_cel(string expression, string spec, bool expected) =>
        MatchCondition.Compile(expression).Evaluate(Variables(spec)).Should().Be(expected);

    [Theory]
    [InlineData("object.spec.containers.all(c, c.image != '')", """{"containers":[{"image":"nginx"}]}""", true)]
    [InlineData("size(object.spec) > 0", """{"a":1}""", true)]
    [InlineData("object.metadata.name.startsWith('p') && request.operation in ['CREATE', 'UPDATE']", "{}", true)]
    public void Full_cel_evaluates_beyond_the_shipped_expressions(string expression, string spec, bool expected) =>
        MatchCondition.Compile(expression).Evaluate(Variables(spec)).Should().Be(expected);

    [Theory]
    [InlineData("params.x", "*undeclared reference to 'params'*")]
    [InlineData("object.spec.(", "*Syntax error*")]
    public void Expressions_that_do_not_compile_are_rejected_with_cel_go_s_message(string expression, string message)
    {
        var compile = () => MatchCondition.Compile(expression);

        compile.Should().Throw<FormatException>().WithMessage(message);
    }

    [Fact]
    public void Authorizer_checks_are_an_evaluation_error_the_sandbox_explains()
    {
        var evaluate = () => MatchCondition.Compile("authorizer.group('').resource('pods').check('create').allowed()").Evaluate(Variables("{}"));

        evaluate.Should().Throw<InvalidOperationException>().WithMessage("*does not authorize*");
    }

    [Fact]
    public void A_result_that_is_not_a_bool_is_an_evaluation_error()
    {
        var evaluate = () => MatchCondition.Compile("object.metadata.name").Evaluate(Variables("{}"));

        evaluate.Should().Throw<InvalidOperationException>().WithMessage("*does not evaluate to a bool*");
    }

    // kube-apiserver converts the request with omitempty: a pod CREATE has no subResource key at all, and an empty
    // name or a null oldObject is no key either.
    private static IReadOnlyDictionary<string, object?> PodCreate() => AdmissionMatch.ConditionVariables(new JsonObject
    {
        ["operation"] = "CREATE",
        ["name"] = "",
        ["object"] = JsonNode.Parse("""{"metadata":{"name":"p"},"spec":{"hostNetwork":true}}"""),
        ["oldObject"] = null,
    });

    [Theory]
    [InlineData("request.subResource == 'binding' || true", true)]
    [InlineData("true || request.subResource == 'binding'", true)]
    [InlineData("request.subResource == 'binding' && false", false)]
    [InlineData("false && request.subResource == 'binding'", false)]
    [InlineData("has(request.subResource) && request.subResource == 'binding'", false)]
    [InlineData("!has(request.name) && !has(request.namespace) && !has(request.oldObject) && !has(request.options)", true)]
    [InlineData("(has(request.subResource) && request.subResource == 'binding') || !object.spec.hostNetwork", false)]
    public void Errors_are_absorbed_by_a_deciding_operand_on_either_side(string expression, bool expected) =>
        MatchCondition.Compile(expression).Evaluate(PodCreate()).Should().Be(expected);

    [Theory]
    [InlineData("request.subResource == 'binding'")]
    [InlineData("request.subResource == 'binding' || false")]
    [InlineData("false || request.subResource == 'binding'")]
    [InlineData("true && request.subResource == 'binding'")]
    [InlineData("request.subResource == 'binding' || !object.spec.hostNetwork")]
    [InlineData("!(request.subResource == 'binding')")]
    public void An_error_nothing_absorbs_is_the_result(string expression)
    {
        var evaluate = () => MatchCondition.Compile(expression).Evaluate(PodCreate());

        evaluate.Should().Throw<InvalidOperationException>().WithMessage("*no such key: subResource*");
    }

    [Fact]
    public void Reading_a_missing_field_is_an_evaluation_error()
    {
        var evaluate = () => MatchCondition.Compile("object.spec.hostNetwork").Evaluate(Variables("{}"));

        evaluate.Should().Throw<InvalidOperationException>().WithMessage("*no such key*");
    }
}
