using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Core.Tests.Healing;

public sealed class GateReleasePlannerTests
{
    private static readonly TimeSpan Overdue = TimeSpan.FromMinutes(11);

    // scenario, gated pod, its node, release overdue gates?, expected action, expected overdue flag
    public static TheoryData<string, PodFacts, NodeFacts?, bool, GateAction, bool> Cases => new()
    {
        { "node ready", GatedPod(), ReadyNode(), false, GateAction.ReleaseNodeReady, false },
        { "no taint, agent unknown", GatedPod(), new NodeFacts("n1", []), false, GateAction.ReleaseNodeReady, false },
        { "node still tainted", GatedPod(), TaintedNode(), false, GateAction.Hold, false },
        { "taint gone, agent not ready", GatedPod(), new NodeFacts("n1", [], AgentReady: false), false, GateAction.Hold, false },
        { "node unknown", GatedPod(), null, false, GateAction.Hold, false },
        { "not pinned", GatedPod(node: null), null, false, GateAction.ReleaseNotPinned, false },
        { "overdue, held", GatedPod(age: Overdue), TaintedNode(), false, GateAction.Hold, true },
        { "overdue, released", GatedPod(age: Overdue), TaintedNode(), true, GateAction.ReleaseOverdue, true },
        { "overdue on a ready node", GatedPod(age: Overdue), ReadyNode(), false, GateAction.ReleaseNodeReady, true },
        { "exactly max age is not overdue", GatedPod(age: TimeSpan.FromMinutes(10)), TaintedNode(), true, GateAction.Hold, false },
        { "no creation time never expires", GatedPod() with { CreationTime = null }, TaintedNode(), true, GateAction.Hold, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decides_what_to_do_with_each_gate(string scenario, PodFacts pod, NodeFacts? node, bool releaseOverdue, GateAction expected, bool overdue)
    {
        var snapshot = new FakeClusterSnapshot().With(pod);
        if (node is not null)
        {
            snapshot.With(node);
        }

        var step = GateReleasePlanner.Plan(snapshot, Policy with { ReleaseGatesAfterMaxAge = releaseOverdue }, Now).Single();

        step.Action.Should().Be(expected, scenario);
        step.Overdue.Should().Be(overdue, scenario);
        step.Releases.Should().Be(expected != GateAction.Hold);
        step.Detail.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Only_pods_with_our_gate_that_are_not_terminating_are_considered()
    {
        var snapshot = new FakeClusterSnapshot().With(ReadyNode()).With(
            GatedPod("ours"),
            GatedPod("other-gate") with { SchedulingGates = ["example.com/other"] },
            GatedPod("leaving") with { Terminating = true },
            RunningPod("running"));

        GateReleasePlanner.Plan(snapshot, Policy, Now).Select(s => s.Pod.Name).Should().Equal("ours");
    }

    [Fact]
    public void Held_gates_say_why_and_for_how_long()
    {
        var snapshot = new FakeClusterSnapshot().With(TaintedNode()).With(GatedPod(age: TimeSpan.FromMinutes(12)));

        var step = GateReleasePlanner.Plan(snapshot, Policy, Now).Single();

        step.Detail.Should().Be("node n1 still has taint node.cilium.io/agent-not-ready:NoExecute; gated for 12m, longer than 10m");
        step.Age.Should().Be(TimeSpan.FromMinutes(12));
        step.Node.Should().Be("n1");
    }

    [Fact]
    public void Steps_come_in_namespace_and_name_order()
    {
        var snapshot = new FakeClusterSnapshot().With(ReadyNode()).With(GatedPod("c"), GatedPod("a"), GatedPod("b"));

        GateReleasePlanner.Plan(snapshot, Policy, Now).Select(s => s.Pod.Name).Should().Equal("a", "b", "c");
    }
}
