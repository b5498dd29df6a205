using AdmissionGuard.Sandbox.Scheduling;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Scheduling;

/// <summary>Cases from k8s.io/api core/v1 <c>Toleration.ToleratesTaint</c> and the scheduler's TaintToleration filter.</summary>
public sealed class TolerationsTests
{
    private const string Cni = "node.cilium.io/agent-not-ready";

    // toleration key, operator, value, effect | taint key, value, effect | tolerated
    public static TheoryData<string?, string?, string?, string?, string, string?, string, bool> Cases => new()
    {
        // An empty key with Exists tolerates every taint of the toleration's effect (every effect when empty).
        { null, "Exists", null, null, Cni, null, "NoExecute", true },
        { "", "Exists", "", "", "any.example/key", "v", "PreferNoSchedule", true },
        { null, "Exists", null, "NoExecute", Cni, null, "NoExecute", true },
        { null, "Exists", null, "NoExecute", Cni, null, "NoSchedule", false },
        { null, "Exists", "ignored", "NoSchedule", Cni, "true", "NoSchedule", true },
        // An empty key matches any key with Equal (or no operator) too, but Equal compares the values.
        { null, null, null, null, Cni, null, "NoSchedule", true },
        { null, "Equal", null, null, Cni, "true", "NoSchedule", false },
        // A keyed Exists ignores the value.
        { Cni, "Exists", null, null, Cni, "true", "NoExecute", true },
        { Cni, "Exists", "other", null, Cni, "true", "NoExecute", true },
        { Cni, "Exists", null, "NoSchedule", Cni, "true", "NoExecute", false },
        { "node.cilium.io", "Exists", null, null, Cni, null, "NoExecute", false },
        { "Node.Cilium.io/agent-not-ready", "Exists", null, null, Cni, null, "NoExecute", false },
        // Equal (the default operator) needs equal values; absent and empty values are equal.
        { Cni, "Equal", "true", "NoSchedule", Cni, "true", "NoSchedule", true },
        { Cni, null, "true", null, Cni, "true", "NoExecute", true },
        { Cni, "", "true", null, Cni, "false", "NoExecute", false },
        { Cni, "Equal", null, null, Cni, "", "NoExecute", true },
        { Cni, "Equal", "", null, Cni, null, "NoExecute", true },
        { Cni, "Equal", "True", null, Cni, "true", "NoExecute", false },
        // Effects are compared exactly.
        { Cni, "Exists", null, "PreferNoSchedule", Cni, null, "NoSchedule", false },
        { Cni, "Exists", null, "noexecute", Cni, null, "NoExecute", false },
        // Unknown operators (and the wrong case) tolerate nothing, not even with an empty key.
        { Cni, "exists", null, null, Cni, null, "NoExecute", false },
        { null, "Gt", "1", null, Cni, "2", "NoExecute", false },
        { Cni, "In", "true", null, Cni, "true", "NoExecute", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_toleration_tolerates_a_taint_as_the_api_defines(
        string? key, string? op, string? value, string? effect, string taintKey, string? taintValue, string taintEffect, bool tolerated)
    {
        var toleration = new V1Toleration { Key = key, OperatorProperty = op, Value = value, Effect = effect, TolerationSeconds = 30 };

        Tolerations.Tolerates(toleration, new V1Taint { Key = taintKey, Value = taintValue, Effect = taintEffect }).Should().Be(tolerated);
    }

    [Fact]
    public void The_first_untolerated_taint_of_the_filtered_effects_is_found_and_prefer_no_schedule_is_ignored()
    {
        V1Taint[] taints =
        [
            new() { Key = "soft", Effect = "PreferNoSchedule" },
            new() { Key = "tolerated", Value = "x", Effect = "NoSchedule" },
            new() { Key = Cni, Value = "true", Effect = "NoExecute" },
            new() { Key = "later", Effect = "NoSchedule" },
        ];
        V1Toleration[] tolerations = [new() { Key = "tolerated", OperatorProperty = "Exists" }];

        Tolerations.FirstUntolerated(taints, tolerations, "NoSchedule", "NoExecute")!.Key.Should().Be(Cni);
        Tolerations.FirstUntolerated(taints, tolerations, "NoSchedule")!.Key.Should().Be("later");
        Tolerations.FirstUntolerated(taints, [new V1Toleration { OperatorProperty = "Exists" }], "NoSchedule", "NoExecute").Should().BeNull();
        Tolerations.FirstUntolerated(null, null, "NoSchedule").Should().BeNull();
    }

    [Fact]
    public void The_first_tolerating_toleration_is_the_one_whose_seconds_count()
    {
        var taint = new V1Taint { Key = Cni, Effect = "NoExecute" };
        V1Toleration[] tolerations =
        [
            new() { Key = "other", OperatorProperty = "Exists", TolerationSeconds = 1 },
            new() { Key = Cni, OperatorProperty = "Exists", TolerationSeconds = 60 },
            new() { OperatorProperty = "Exists", TolerationSeconds = 5 },
        ];

        Tolerations.FirstTolerating(tolerations, taint)!.TolerationSeconds.Should().Be(60);
    }
}
