using AdmissionGuard.Core.Scheduling;
using k8s.Models;

namespace AdmissionGuard.Core.Tests.Scheduling;

public sealed class TolerationTests
{
    private const string Cilium = "node.cilium.io/agent-not-ready";

    // key, operator, value, effect, tolerationSeconds | taint key, value, effect | tolerated
    public static TheoryData<string, string, string, string, long?, string, string, string, bool> Cases => new()
    {
        // Blanket tolerations: empty key + Exists.
        { "", "Exists", "", "", null, Cilium, "", "NoExecute", true },
        { "", "Exists", "", "", null, Cilium, "true", "NoSchedule", true },
        { "", "Exists", "", "NoExecute", null, Cilium, "", "NoExecute", true },
        { "", "Exists", "", "NoExecute", null, Cilium, "", "NoSchedule", false },
        { "", "Exists", "", "NoSchedule", null, Cilium, "", "NoSchedule", true },
        { "", "Exists", "", "NoSchedule", null, Cilium, "", "NoExecute", false },
        { "", "Exists", "", "PreferNoSchedule", null, Cilium, "", "NoSchedule", false },
        { "", "Exists", "ignored", "", null, Cilium, "", "NoExecute", true },
        { "", "Exists", "", "NoExecute", 300, Cilium, "", "NoExecute", true },
        // Exists with a key ignores the value.
        { Cilium, "Exists", "", "", null, Cilium, "", "NoExecute", true },
        { Cilium, "Exists", "", "", null, Cilium, "anything", "NoSchedule", true },
        { Cilium, "Exists", "x", "", null, Cilium, "y", "NoSchedule", true },
        { Cilium, "Exists", "", "NoSchedule", null, Cilium, "", "NoExecute", false },
        { Cilium, "Exists", "", "NoExecute", 0, Cilium, "", "NoExecute", true },
        { "node.kubernetes.io/not-ready", "Exists", "", "NoExecute", null, Cilium, "", "NoExecute", false },
        { "node.cilium.io", "Exists", "", "", null, Cilium, "", "NoExecute", false },
        // Equal is the default operator; values must match exactly (empty equals empty).
        { Cilium, "", "", "", null, Cilium, "", "NoExecute", true },
        { Cilium, "", "", "NoExecute", null, Cilium, "", "NoExecute", true },
        { Cilium, "", "true", "", null, Cilium, "", "NoExecute", false },
        { Cilium, "", "", "", null, Cilium, "true", "NoExecute", false },
        { Cilium, "Equal", "true", "NoExecute", null, Cilium, "true", "NoExecute", true },
        { Cilium, "Equal", "true", "NoExecute", null, Cilium, "True", "NoExecute", false },
        { Cilium, "Equal", "", "", null, Cilium, "", "NoSchedule", true },
        { Cilium, "Equal", "true", "NoSchedule", null, Cilium, "true", "NoExecute", false },
        { Cilium, "Equal", "true", "", 3600, Cilium, "true", "NoExecute", true },
        // Keys are case sensitive and matched whole.
        { "Node.Cilium.IO/agent-not-ready", "Exists", "", "", null, Cilium, "", "NoExecute", false },
        { Cilium + "x", "Exists", "", "", null, Cilium, "", "NoExecute", false },
        // Effects are case sensitive too.
        { Cilium, "Exists", "", "noexecute", null, Cilium, "", "NoExecute", false },
        // An unknown operator tolerates nothing, even with an empty key.
        { Cilium, "exists", "", "", null, Cilium, "", "NoExecute", false },
        { "", "In", "", "", null, Cilium, "", "NoExecute", false },
        // Empty key with Equal (rejected by API validation) behaves as the scheduler's code does.
        { "", "Equal", "", "", null, Cilium, "", "NoExecute", true },
        { "", "Equal", "v", "", null, Cilium, "", "NoExecute", false },
        // Taints with empty effect only match tolerations with empty effect.
        { Cilium, "Exists", "", "NoExecute", null, Cilium, "", "", false },
        { Cilium, "Exists", "", "", null, Cilium, "", "", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Toleration_matches_taint_as_the_scheduler_does(
        string key, string op, string value, string effect, long? seconds,
        string taintKey, string taintValue, string taintEffect, bool expected)
    {
        var toleration = new Toleration(key, op, value, effect, seconds);

        toleration.Tolerates(new Taint(taintKey, taintValue, taintEffect)).Should().Be(expected);
    }

    [Fact]
    public void Model_conversion_treats_null_fields_as_empty()
    {
        var taint = Taint.From(new V1Taint { Key = Cilium, Effect = "NoExecute" });

        taint.Should().Be(new Taint(Cilium, "", "NoExecute"));
        new Toleration("", "Exists", "", "NoExecute").Tolerates(taint).Should().BeTrue();
    }

    [Fact]
    public void Any_tolerates_is_false_for_no_tolerations()
    {
        Toleration.AnyTolerates([], new Taint(Cilium, "", "NoExecute")).Should().BeFalse();
    }

    [Fact]
    public void Taint_prints_like_kubectl()
    {
        new Taint(Cilium, "", "NoExecute").ToString().Should().Be("node.cilium.io/agent-not-ready:NoExecute");
        new Taint("k", "v", "NoSchedule").ToString().Should().Be("k=v:NoSchedule");
    }
}
