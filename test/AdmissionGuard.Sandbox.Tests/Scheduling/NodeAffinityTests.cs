using AdmissionGuard.Sandbox.Scheduling;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Scheduling;

/// <summary>Cases from component-helpers' <c>scheduling/corev1/nodeaffinity</c> (required node affinity and nodeSelector).</summary>
public sealed class NodeAffinityTests
{
    private static readonly V1Node Node = new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "node-a",
            Labels = new Dictionary<string, string> { ["zone"] = "a", ["gpus"] = "4", ["kubernetes.io/os"] = "linux", ["empty"] = "" },
        },
    };

    private static V1NodeSelectorRequirement R(string key, string op, params string[] values) =>
        new() { Key = key, OperatorProperty = op, Values = values.Length == 0 ? null : values };

    // matchExpressions of one term | matches node-a
    public static TheoryData<string, V1NodeSelectorRequirement[], bool> Expressions => new()
    {
        { "In", [R("zone", "In", "b", "a")], true },
        { "In, other value", [R("zone", "In", "b")], false },
        { "In, missing key", [R("rack", "In", "a")], false },
        { "In the empty value", [R("empty", "In", "")], true },
        { "NotIn", [R("zone", "NotIn", "b")], true },
        { "NotIn, its value", [R("zone", "NotIn", "a")], false },
        { "NotIn, missing key", [R("rack", "NotIn", "a")], true },
        { "Exists", [R("kubernetes.io/os", "Exists")], true },
        { "Exists, missing", [R("rack", "Exists")], false },
        { "DoesNotExist", [R("rack", "DoesNotExist")], true },
        { "DoesNotExist, present", [R("zone", "DoesNotExist")], false },
        { "Gt", [R("gpus", "Gt", "3")], true },
        { "Gt, equal", [R("gpus", "Gt", "4")], false },
        { "Gt, a negative bound is no label value", [R("gpus", "Gt", "-1")], false },
        { "Lt", [R("gpus", "Lt", "5")], true },
        { "Lt, not an integer label", [R("zone", "Lt", "5")], false },
        { "Gt, missing key", [R("rack", "Gt", "0")], false },
        { "all requirements of a term must hold", [R("zone", "In", "a"), R("gpus", "Lt", "2")], false },
        // Invalid requirements make the term match nothing (the scheduler records an error and moves on).
        { "In without values", [R("zone", "In")], false },
        { "NotIn without values", [R("rack", "NotIn")], false },
        { "Exists with values", [R("zone", "Exists", "a")], false },
        { "DoesNotExist with values", [R("rack", "DoesNotExist", "a")], false },
        { "Gt with two values", [R("gpus", "Gt", "1", "2")], false },
        { "Gt with a non-integer", [R("gpus", "Gt", "1.5")], false },
        { "unknown operator", [R("zone", "Equals", "a")], false },
        { "operator in the wrong case", [R("zone", "in", "a")], false },
        { "invalid key", [R("bad key", "DoesNotExist")], false },
        { "invalid value", [R("zone", "NotIn", "not a value")], false },
    };

    [Theory]
    [MemberData(nameof(Expressions))]
    public void Match_expressions_read_the_node_labels(string description, V1NodeSelectorRequirement[] expressions, bool matches)
    {
        var required = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = expressions }] };

        NodeAffinity.MatchesRequired(required, Node).Should().Be(matches, description);
    }

    // matchFields of one term | matches node-a
    public static TheoryData<string, V1NodeSelectorRequirement[], bool> Fields => new()
    {
        { "In this node", [R("metadata.name", "In", "node-a")], true },
        { "In another node", [R("metadata.name", "In", "node-b")], false },
        { "NotIn another node", [R("metadata.name", "NotIn", "node-b")], true },
        { "NotIn this node", [R("metadata.name", "NotIn", "node-a")], false },
        // Field requirements take exactly one value: two names are an error, not "either node".
        { "In two nodes", [R("metadata.name", "In", "node-a", "node-b")], false },
        { "In no node", [R("metadata.name", "In")], false },
        { "Exists is not a field operator", [R("metadata.name", "Exists")], false },
        // Only metadata.name is a node field; any other reads as empty.
        { "other field In a value", [R("spec.unschedulable", "In", "node-a")], false },
        { "other field NotIn a value", [R("metadata.uid", "NotIn", "x")], true },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void Match_fields_read_the_node_name(string description, V1NodeSelectorRequirement[] fields, bool matches)
    {
        var required = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm { MatchFields = fields }] };

        NodeAffinity.MatchesRequired(required, Node).Should().Be(matches, description);
    }

    [Fact]
    public void Terms_are_ored_an_empty_term_matches_nothing_and_a_broken_term_does_not_spoil_the_others()
    {
        V1NodeSelector Terms(params V1NodeSelectorTerm[] terms) => new() { NodeSelectorTerms = terms };
        var broken = new V1NodeSelectorTerm { MatchExpressions = [R("zone", "In")] };
        var elsewhere = new V1NodeSelectorTerm { MatchFields = [R("metadata.name", "In", "node-b")] };
        var here = new V1NodeSelectorTerm { MatchExpressions = [R("zone", "In", "a")], MatchFields = [R("metadata.name", "In", "node-a")] };

        NodeAffinity.MatchesRequired(Terms(elsewhere, here), Node).Should().BeTrue();
        NodeAffinity.MatchesRequired(Terms(broken, here), Node).Should().BeTrue();
        NodeAffinity.MatchesRequired(Terms(new V1NodeSelectorTerm()), Node).Should().BeFalse();
        NodeAffinity.MatchesRequired(Terms(), Node).Should().BeFalse();
        NodeAffinity.MatchesRequired(null, Node).Should().BeTrue();
        NodeAffinity.MatchesRequired(Terms(new V1NodeSelectorTerm { MatchExpressions = [R("zone", "In", "a")], MatchFields = [R("metadata.name", "In", "node-b")] }), Node)
            .Should().BeFalse("expressions and fields of one term are ANDed");
    }

    [Fact]
    public void A_node_selector_needs_every_label_equal_and_combines_with_affinity()
    {
        V1PodSpec Spec(Dictionary<string, string>? selector, V1NodeSelectorTerm? term = null) => new()
        {
            NodeSelector = selector,
            Affinity = term is null ? null : new V1Affinity { NodeAffinity = new V1NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector { NodeSelectorTerms = [term] } } },
        };

        NodeAffinity.Matches(Spec(null), Node).Should().BeTrue();
        NodeAffinity.Matches(Spec(new() { ["zone"] = "a", ["empty"] = "" }), Node).Should().BeTrue();
        NodeAffinity.Matches(Spec(new() { ["zone"] = "a", ["rack"] = "" }), Node).Should().BeFalse("a missing label is not the empty value");
        NodeAffinity.Matches(Spec(new() { ["zone"] = "A" }), Node).Should().BeFalse();
        NodeAffinity.Matches(Spec(new() { ["zone"] = "a" }, new V1NodeSelectorTerm { MatchFields = [R("metadata.name", "In", "node-b")] }), Node).Should().BeFalse();
    }

    [Fact]
    public void A_daemon_pod_belongs_to_its_node_name_or_its_single_affinity_name()
    {
        V1PodSpec Pinned(params V1NodeSelectorTerm[] terms) => new()
        {
            Affinity = new V1Affinity { NodeAffinity = new V1NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector { NodeSelectorTerms = terms } } },
        };

        DaemonPods.TargetNodeName(new V1PodSpec { NodeName = "bound" }).Should().Be("bound");
        DaemonPods.TargetNodeName(Pinned(new V1NodeSelectorTerm { MatchExpressions = [R("zone", "In", "a")] }, new V1NodeSelectorTerm { MatchFields = [R("metadata.name", "In", "node-a")] }))
            .Should().Be("node-a");
        DaemonPods.TargetNodeName(Pinned(new V1NodeSelectorTerm { MatchFields = [R("metadata.name", "In", "node-a", "node-b")] })).Should().BeNull();
        DaemonPods.TargetNodeName(Pinned(new V1NodeSelectorTerm { MatchFields = [R("metadata.name", "NotIn", "node-a")] })).Should().BeNull();
        DaemonPods.TargetNodeName(new V1PodSpec()).Should().BeNull();
        DaemonPods.TargetNodeName(null).Should().BeNull();
    }
}
