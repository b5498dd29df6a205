using AdmissionGuard.Core.Labels;
using k8s.Models;

namespace AdmissionGuard.Core.Tests.Labels;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new()
    {
        ["app"] = "web",
        ["tier"] = "frontend",
        ["example.com/team"] = "a",
        ["replicas"] = "5",
    };

    public static TheoryData<string, bool> Matching => new()
    {
        { "", true },
        { "app", true },
        { "!app", false },
        { "!missing", true },
        { "app=web", true },
        { "app==web", true },
        { "app = web", true },
        { "app=db", false },
        { "app!=db", true },
        { "app!=web", false },
        { "missing!=x", true },
        { "app in (web,db)", true },
        { "app in (db)", false },
        { "app notin (db, cache)", true },
        { "app notin (web)", false },
        { "missing notin (x)", true },
        { "missing in (x)", false },
        { "app=web,tier=frontend", true },
        { "app=web,tier=backend", false },
        { "example.com/team=a", true },
        { "replicas>3", true },
        { "replicas<3", false },
        { "app>3", false },
        { "missing=", false },
        { "  app=web ,  !legacy ", true },
    };

    [Theory]
    [MemberData(nameof(Matching))]
    public void Parsed_selector_matches_labels(string selector, bool expected)
    {
        LabelSelector.Parse(selector).Matches(Web).Should().Be(expected);
    }

    [Theory]
    [InlineData("app=", "app")]
    [InlineData("tier in ()", "tier")]
    public void Empty_values_match_empty_labels(string selector, string key)
    {
        LabelSelector.Parse(selector).Matches(new Dictionary<string, string> { [key] = "" }).Should().BeTrue();
    }

    [Theory]
    [InlineData("app in (web", "expected ',' or ')'")]
    [InlineData("app in web", "expected '('")]
    [InlineData("app web", "expected one of")]
    [InlineData("=web", "expected a label key")]
    [InlineData("app=we b", "unexpected 'b'")]
    [InlineData("-app=web", "key \"-app\"")]
    [InlineData("Example.com/team=a", "key prefix")]
    [InlineData("app=web!", "unexpected '!'")]
    [InlineData("replicas>five", "not an integer")]
    [InlineData("app,", "expected a label key")]
    [InlineData("app=-web", "value \"-web\"")]
    public void Bad_syntax_is_a_clear_error(string selector, string reason)
    {
        LabelSelector.TryParse(selector, out _, out var error).Should().BeFalse();
        error.Should().StartWith($"invalid label selector \"{selector}\": ").And.Contain(reason).And.Contain("at position");
    }

    [Fact]
    public void Parse_throws_format_exception_with_the_reason()
    {
        var parse = () => LabelSelector.Parse("a in (b");

        parse.Should().Throw<FormatException>().WithMessage("invalid label selector \"a in (b\"*");
    }

    [Fact]
    public void Model_selector_combines_match_labels_and_expressions()
    {
        var selector = LabelSelector.FromModel(new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions = [new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "In", Values = ["frontend", "edge"] }, new V1LabelSelectorRequirement { Key = "legacy", OperatorProperty = "DoesNotExist" }],
        });

        selector.Matches(Web).Should().BeTrue();
        selector.Matches(new Dictionary<string, string> { ["app"] = "web" }).Should().BeFalse();
        selector.ToString().Should().Be("app=web,tier in (frontend,edge),!legacy");
    }

    [Fact]
    public void Null_model_selector_means_what_the_caller_says()
    {
        LabelSelector.FromModel(null).Matches(Web).Should().BeFalse();
        LabelSelector.FromModel(null, nullMeansEverything: true).Matches(Web).Should().BeTrue();
        LabelSelector.FromModel(new V1LabelSelector()).Matches(Web).Should().BeTrue();
    }

    [Fact]
    public void Model_selector_with_bad_operator_is_a_clear_error()
    {
        var convert = () => LabelSelector.FromModel(new V1LabelSelector
        {
            MatchExpressions = [new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "Gt", Values = ["1"] }],
        });

        convert.Should().Throw<FormatException>().WithMessage("*operator \"Gt\" for key \"tier\"*");
    }

    [Fact]
    public void Printed_selector_parses_back_to_the_same_selector()
    {
        const string text = "app=web,tier in (a,b),!legacy,env!=dev,x notin (y),z";

        LabelSelector.Parse(LabelSelector.Parse(text).ToString()).ToString().Should().Be(text);
    }
}
