using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Tests.Pods;

/// <summary>Terms are the <c>matchFields</c> of each required node affinity term (the guard's JSON reader builds them).</summary>
public sealed class TargetNodeTests
{
    private static List<FieldRequirement> Fields(params string[] nodes) => [new FieldRequirement("metadata.name", "In", nodes)];

    private static List<IReadOnlyList<FieldRequirement>> Pinned(params List<FieldRequirement>[] terms) => [.. terms];

    [Fact]
    public void Node_name_wins_over_affinity()
    {
        TargetNode.Resolve("b", Pinned(Fields("a"))).Should().Be(new TargetNode(TargetKind.NodeName, "b"));
    }

    [Fact]
    public void DaemonSet_affinity_pins_the_pod()
    {
        TargetNode.Resolve(null, Pinned(Fields("ip-10-0-1-7"))).Should().Be(new TargetNode(TargetKind.PinnedByAffinity, "ip-10-0-1-7"));
    }

    public static TheoryData<List<IReadOnlyList<FieldRequirement>>> Unpinned => new()
    {
        Pinned(),
        Pinned(Fields("a", "b")),
        Pinned(Fields("a"), Fields("b")),
        Pinned(Fields("")),
        Pinned([new FieldRequirement("metadata.name", "NotIn", ["a"])]),
        Pinned([new FieldRequirement("spec.nodeName", "In", ["a"])]),

        // A term of matchExpressions only (kubernetes.io/hostname In [a]) has no match fields.
        Pinned([]),
    };

    [Theory]
    [MemberData(nameof(Unpinned))]
    public void Anything_else_is_unknown_until_binding(List<IReadOnlyList<FieldRequirement>> terms)
    {
        TargetNode.Resolve(null, terms).Should().Be(TargetNode.Unknown);
        TargetNode.Resolve("", terms).Should().Be(TargetNode.Unknown);
    }
}
