using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Tests.Admission;

/// <summary>A finding's audit annotations: a small read-only dictionary whose order is the order the answer writes.</summary>
public sealed class AuditAnnotationsTests
{
    private static readonly Taint NotReady = new("node.cilium.io/agent-not-ready", "", "NoExecute");

    [Fact]
    public void A_finding_with_node_and_taint_annotates_all_five_in_order()
    {
        var annotations = new Finding("pinned-to-tainted-node", "node-a", NotReady).ToAnnotations(AdmissionOutcome.Gated, GuardMode.Gate);

        annotations.Should().Equal(
            new KeyValuePair<string, string>("decision", "gated"),
            new KeyValuePair<string, string>("mode", "gate"),
            new KeyValuePair<string, string>("reason", "pinned-to-tainted-node"),
            new KeyValuePair<string, string>("node", "node-a"),
            new KeyValuePair<string, string>("taint", "node.cilium.io/agent-not-ready:NoExecute"));
        annotations.Keys.Should().Equal("decision", "mode", "reason", "node", "taint");
        annotations.Values.Should().Equal("gated", "gate", "pinned-to-tainted-node", "node-a", "node.cilium.io/agent-not-ready:NoExecute");
    }

    [Theory]
    [InlineData(null, false, new[] { "decision", "mode", "reason" })]
    [InlineData("node-a", false, new[] { "decision", "mode", "reason", "node" })]
    [InlineData(null, true, new[] { "decision", "mode", "reason", "taint" })]
    public void Absent_parts_leave_no_entry(string? node, bool tainted, string[] keys)
    {
        var annotations = new Finding("node-not-in-cache", node, tainted ? NotReady : null).ToAnnotations(AdmissionOutcome.Warned, GuardMode.Warn);

        annotations.Keys.Should().Equal(keys);
        annotations.Count.Should().Be(keys.Length);
        annotations.Values.Should().NotContainNulls();
    }

    [Fact]
    public void Lookups_find_keys_exactly()
    {
        var annotations = new Finding("tolerates-tainted-nodes", "node-b").ToAnnotations(AdmissionOutcome.Warned, GuardMode.Warn);

        annotations["node"].Should().Be("node-b");
        annotations.TryGetValue("reason", out var reason).Should().BeTrue();
        reason.Should().Be("tolerates-tainted-nodes");
        annotations.ContainsKey("decision").Should().BeTrue();
        annotations.ContainsKey("Decision").Should().BeFalse("keys are compared ordinally, as the apiserver does");
        annotations.TryGetValue("taint", out var missing).Should().BeFalse();
        missing.Should().BeNull();
        var lookUpMissing = () => annotations["taint"];
        lookUpMissing.Should().Throw<KeyNotFoundException>().WithMessage("*taint*");
    }

    [Fact]
    public void Each_mode_resolves_to_one_shared_instance_without_a_warning()
    {
        foreach (var mode in Enum.GetValues<GuardMode>())
        {
            var resolved = ModeResolution.Of(mode);

            resolved.Should().Be(new ModeResolution(mode, null));
            resolved.Should().BeSameAs(ModeResolution.Of(mode));
            resolved.Warnings.Should().BeEmpty();
        }
    }

    [Fact]
    public void A_namespace_warning_comes_before_the_decision_warnings()
    {
        ModeResolution.Of(GuardMode.Gate).WarningsWith("gated", "second").Should().Equal("gated", "second");
        new ModeResolution(GuardMode.Warn, "bad label").WarningsWith("still tainted").Should().Equal("bad label", "still tainted");
    }
}
