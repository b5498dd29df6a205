using AdmissionGuard.Metrics;
using AdmissionGuard.Reconciler;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class ReconcileCycleGateTests
{
    [Fact]
    public async Task Releases_the_gate_when_the_pinned_node_is_ready()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(TaintedNode("n9")).With(GatedPod("ready", node: "n1"), GatedPod("waiting", node: "n9"));

        var summary = await harness.RunAsync();

        summary.Should().Be(new CycleSummary(Unmanaged: 0, Restarts: 0, Gated: 2, Released: 1));
        harness.Actions.GateReleases.Should().Equal("default/ready");
        harness.Metrics.GatedPods.Value.Should().Be(1, "the gauge counts what is still held after the cycle");
        harness.GateReleases(ReconcilerMetrics.NodeReady).Should().Be(1);
        harness.Events.Events.Should().ContainSingle().Which.Should().Be(("default/ready",
            new PodEvent(PodEvent.Normal, PodEvent.SchedulingGateReleased, "Released admissionguard.io/cni-ready: node n1 is ready")));
    }

    [Fact]
    public async Task A_gate_that_changed_meanwhile_is_left_for_the_next_cycle()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(GatedPod("g"));
        harness.Actions.AnswerGateRelease("default/g", new GateReleaseAttempt(GateReleaseResult.Changed, "test operation failed"));

        var first = await harness.RunAsync();
        var second = await harness.RunAfterAsync(TimeSpan.FromSeconds(15));

        first.Released.Should().Be(0);
        second.Released.Should().Be(1);
        harness.GateReleases(ReconcilerMetrics.NodeReady).Should().Be(1);
        harness.Events.Reasons.Should().Equal(("default/g", PodEvent.SchedulingGateReleased));
    }

    [Fact]
    public async Task An_overdue_gate_gets_one_warning_and_stays_when_not_configured_to_let_go()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(TaintedNode("n9")).With(GatedPod("g", node: "n9", age: TimeSpan.FromMinutes(11)));

        await harness.RunAsync();
        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));

        harness.Actions.GateReleases.Should().BeEmpty();
        harness.Events.Events.Should().ContainSingle().Which.Event.Should().Be(new PodEvent(PodEvent.Warning, PodEvent.SchedulingGateHeld,
            "node n9 still has taint node.cilium.io/agent-not-ready:NoExecute; gated for 11m, longer than 10m"));
    }

    [Fact]
    public async Task An_overdue_gate_is_released_with_a_warning_when_configured()
    {
        var harness = new ReconcilerHarness(policy: Policy with { ReleaseGatesAfterMaxAge = true });
        harness.Cluster.With(TaintedNode("n9")).With(GatedPod("g", node: "n9", age: TimeSpan.FromMinutes(11)));

        await harness.RunAsync();

        harness.Actions.GateReleases.Should().Equal("default/g");
        harness.GateReleases(ReconcilerMetrics.MaxAge).Should().Be(1);
        harness.Events.Reasons.Should().Equal(("default/g", PodEvent.SchedulingGateHeld), ("default/g", PodEvent.SchedulingGateReleased));
    }

    [Fact]
    public async Task An_unpinned_gated_pod_is_released_as_not_pinned()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(GatedPod("g", node: null));

        await harness.RunAsync();

        harness.GateReleases(ReconcilerMetrics.NotPinned).Should().Be(1);
    }

    [Fact]
    public async Task The_gated_gauge_follows_the_cluster()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(TaintedNode("n9")).With(GatedPod("g", node: "n9"));

        await harness.RunAsync();
        harness.Metrics.GatedPods.Value.Should().Be(1);

        harness.Cluster.With(ReadyNode("n9"));
        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));
        harness.Cluster.WithoutPod("default/g").With(RunningPod("g", node: "n9"));
        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));

        harness.Metrics.GatedPods.Value.Should().Be(0);
    }
}
