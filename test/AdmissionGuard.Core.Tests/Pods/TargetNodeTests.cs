using AdmissionGuard.Core.Pods;
using k8s.Models;

namespace AdmissionGuard.Core.Tests.Pods;

public sealed class TargetNodeTests
{
    private static V1NodeSelectorTerm Fields(params string[] nodes) => new()
    {
        MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = nodes }],
    };

    private static V1PodSpec Pinned(params V1NodeSelectorTerm[] terms) => new()
    {
        Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector { NodeSelectorTerms = terms },
            },
        },
    };

    [Fact]
    public void Node_name_wins_over_affinity()
    {
        var spec = Pinned(Fields("a"));
        spec.NodeName = "b";

        TargetNode.Resolve(spec).Should().Be(new TargetNode(TargetKind.NodeName, "b"));
    }

    [Fact]
    public void DaemonSet_affinity_pins_the_pod()
    {
        TargetNode.Resolve(Pinned(Fields("ip-10-0-1-7"))).Should().Be(new TargetNode(TargetKind.PinnedByAffinity, "ip-10-0-1-7"));
    }

    [Fact]
    public void Extra_expressions_in_the_single_term_still_pin()
    {
        var term = Fields("n1");
        term.MatchExpressions = [new V1NodeSelectorRequirement { Key = "zone", OperatorProperty = "In", Values = ["a"] }];

        TargetNode.Resolve(Pinned(term)).Name.Should().Be("n1");
    }

    public static TheoryData<V1PodSpec> Unpinned => new()
    {
        new V1PodSpec(),
        Pinned(),
        Pinned(Fields("a", "b")),
        Pinned(Fields("a"), Fields("b")),
        Pinned(Fields("")),
        Pinned(new V1NodeSelectorTerm { MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "NotIn", Values = ["a"] }] }),
        Pinned(new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = ["a"] }] }),
    };

    [Theory]
    [MemberData(nameof(Unpinned))]
    public void Anything_else_is_unknown_until_binding(V1PodSpec spec)
    {
        TargetNode.Resolve(spec).Should().Be(TargetNode.Unknown);
    }

    [Fact]
    public void A_pod_without_spec_is_unknown()
    {
        TargetNode.Resolve(null).Should().Be(TargetNode.Unknown);
    }

    [Fact]
    public void Null_items_in_terms_match_fields_and_values_are_ignored()
    {
        var term = new V1NodeSelectorTerm
        {
            MatchFields = [null!, new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [null!, "n1"] }],
        };

        TargetNode.Resolve(Pinned(null!, term)).Should().Be(new TargetNode(TargetKind.PinnedByAffinity, "n1"));
    }

    [Fact]
    public void A_null_match_field_entry_alone_pins_nothing()
    {
        TargetNode.Resolve(Pinned(new V1NodeSelectorTerm { MatchFields = [null!] })).Should().Be(TargetNode.Unknown);
    }
}
