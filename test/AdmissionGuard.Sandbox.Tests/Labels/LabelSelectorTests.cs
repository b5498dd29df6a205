using AdmissionGuard.Sandbox.Labels;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Labels;

/// <summary>Cases from apimachinery's <c>labels.Parse</c> and <c>metav1.LabelSelectorAsSelector</c>.</summary>
public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new()
    {
        ["app"] = "web",
        ["tier"] = "front",
        ["example.com/team"] = "a",
        ["replicas"] = "3",
        ["blank"] = "",
    };

    // selector | matches the labels of Web
    public static TheoryData<string, bool> Matching => new()
    {
        { "", true },
        { "   ", true },
        { "app", true },
        { "!app", false },
        { "!missing", true },
        { "app=web", true },
        { "app==web", true },
        { "app = web", true },
        { "app=api", false },
        { "app!=api", true },
        { "app!=web", false },
        { "missing!=x", true },
        { "missing=x", false },
        { "blank=", true },
        { "blank", true },
        { "missing=", false },
        { "app in (api,web)", true },
        { "app in(web)", true },
        { "app in (api)", false },
        { "app notin (api)", true },
        { "app notin (web,api)", false },
        { "missing notin (x)", true },
        { "missing in (x)", false },
        { "blank in (,x)", true },
        { "blank in (x,)", true },
        { "blank in (x)", false },
        { "app=web,tier=front", true },
        { "app=web, tier=back", false },
        { "example.com/team=a", true },
        { "replicas>2", true },
        { "replicas>3", false },
        { "replicas<4", true },
        { "app>1", false },
        { "missing<10", false },
        // in and notin are keywords only where an operator stands.
        { "in", false },
        { "notin!=x", true },
        { "app in (in,web)", true },
    };

    [Theory]
    [MemberData(nameof(Matching))]
    public void A_parsed_selector_matches_as_the_apiserver_does(string text, bool matches)
    {
        LabelSelector.Parse(text).Matches(Web).Should().Be(matches);
    }

    // selector | part of the error
    public static TheoryData<string, string> Malformed => new()
    {
        { "app=web,", "expected: identifier after ','" },
        { ",app", "expected: !, identifier, or 'end of string'" },
        { "app=web tier=front", "expected: ',' or 'end of string'" },
        { "app in ()", "values set can't be empty" },
        { "app in web", "expected: '('" },
        { "app in (a b)", "expected: ',' or ')'" },
        { "app in (a", "found '', expected: ',' or ')'" },
        { "app ~ web", "found '~', expected: in, notin" },
        { "!app=web", "expected: ',' or 'end of string'" },
        { "!", "expected: identifier" },
        { "=web", "expected: !, identifier, or 'end of string'" },
        { "replicas>x", "must be an integer" },
        { "replicas>", "must be an integer" },
        { "bad key=x", "found 'key', expected: in, notin" },
        { "-app=x", "name part must consist of" },
        { "Example.com/team=a", "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters" },
        { "/team=a", "prefix part" },
        { "app=-web", "a valid label must be an empty string" },
        { "app=" + new string('a', 64), "must be no more than 63 characters" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_selector_is_refused_with_the_reason(string text, string reason)
    {
        var parse = () => LabelSelector.Parse(text);

        parse.Should().Throw<FormatException>().WithMessage($"unable to parse requirement: *{reason}*");
    }

    [Fact]
    public void An_api_selector_null_selects_nothing_unless_the_api_defaults_it_and_empty_selects_everything()
    {
        LabelSelector.FromModel(null).Matches(Web).Should().BeFalse();
        LabelSelector.FromModel(null, nullMeansEverything: true).Matches(Web).Should().BeTrue();
        LabelSelector.FromModel(new V1LabelSelector()).Matches(null).Should().BeTrue();
    }

    [Fact]
    public void An_api_selector_ands_match_labels_and_expressions()
    {
        var selector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions =
            [
                new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "In", Values = ["front", "back"] },
                new V1LabelSelectorRequirement { Key = "legacy", OperatorProperty = "DoesNotExist" },
            ],
        };

        LabelSelector.FromModel(selector).Matches(Web).Should().BeTrue();
        LabelSelector.FromModel(selector).Matches(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front", ["legacy"] = "" }).Should().BeFalse();
    }

    [Theory]
    [InlineData("Gt", "1", "not a valid label selector operator")]
    [InlineData("in", "a", "not a valid label selector operator")]
    [InlineData("In", null, "values set can't be empty")]
    [InlineData("Exists", "a", "values set must be empty")]
    public void An_api_selector_with_a_wrong_expression_is_an_error(string op, string? value, string reason)
    {
        var selector = new V1LabelSelector
        {
            MatchExpressions = [new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = op, Values = value is null ? null : [value] }],
        };

        var convert = () => LabelSelector.FromModel(selector);

        convert.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }
}
