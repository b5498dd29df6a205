using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Labels;
using AdmissionGuard.Metrics;
using AdmissionGuard.Reconciler;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Reconciler;

/// <summary>When the safe path is blocked: refused evictions, escalation, the restart-loop breaker, leader failover.</summary>
public sealed class ReconcileCycleBlockedTests
{
    private const string Refusal = "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget csi is still being processed by the server.";

    private static ReconcilerHarness RefusingHarness(RestartBudget? budget = null, int refusals = 100)
    {
        var harness = new ReconcilerHarness(budget, blockedAfter: TimeSpan.FromMinutes(10));
        harness.Cluster.With(RunningPod("a") with { Labels = new Dictionary<string, string> { ["app"] = "csi" } });
        harness.Cluster.Budgets.Add(new DisruptionBudgetFacts("default", "csi", LabelSelector.Parse("app=csi"), 0, false, "apps/v1/daemonset does not implement the scale subresource"));
        harness.Actions.AnswerRestart("default/a", [.. Enumerable.Repeat(new RestartAttempt(RestartResult.BlockedByDisruptionBudget, Refusal), refusals)]);
        return harness;
    }

    [Fact]
    public async Task A_pod_refused_for_BlockedAfter_gets_one_Warning_that_says_which_budget_and_why_and_counts_in_the_gauge()
    {
        var harness = RefusingHarness();

        await harness.RunAsync();
        for (var minute = 1; minute <= 12; minute++)
        {
            await harness.RunAfterAsync(TimeSpan.FromMinutes(1));
            harness.Metrics.BlockedPods.Value.Should().Be(minute >= 10 ? 1 : 0, $"after {minute} minutes");
        }

        harness.Restarts(ReconcilerMetrics.BlockedByPdb).Should().Be(13, "every cycle tries again");
        harness.Events.Reasons.Should().Equal(("default/a", PodEvent.EvictionBlocked), ("default/a", PodEvent.RestartBlocked));
        var warning = harness.Events.Events.Last().Event;
        warning.Type.Should().Be(PodEvent.Warning);
        warning.Message.Should().Be("Cilium does not manage this pod and its evictions have been refused for 600s: PodDisruptionBudget csi cannot compute "
            + "disruptions (SyncFailed: apps/v1/daemonset does not implement the scale subresource): maxUnavailable or a percentage needs a controller "
            + "with a scale subresource, which DaemonSets and bare pods lack; use an integer minAvailable; fix the budget, restart the pod by hand, or set "
            + "Reconciler:EscalateBlockedAfter");
    }

    [Fact]
    public async Task With_EscalateBlockedAfter_a_blocked_pod_is_deleted_with_its_UID_once_refused_that_long()
    {
        // Two evictions refused; the fake answers the delete that follows with success.
        var harness = RefusingHarness(ReconcilerHarness.DefaultBudget with { EscalateBlockedAfter = TimeSpan.FromMinutes(15) }, refusals: 2);

        await harness.RunAsync();
        await harness.RunAfterAsync(TimeSpan.FromMinutes(14));
        harness.Actions.Restarts.Should().AllSatisfy(r => r.Method.Should().Be(RestartMethod.Evict));
        await harness.RunAfterAsync(TimeSpan.FromMinutes(1));

        harness.Actions.Restarts.Last().Should().Be(("default/a", RestartMethod.Delete));
        harness.Restarts(ReconcilerMetrics.Escalated).Should().Be(1);
        harness.Events.Reasons.Last().Should().Be(("default/a", PodEvent.BlockedPodDeleted));
        harness.Events.Events.Last().Event.Message.Should().Be("Deleted without its PodDisruptionBudget so that it restarts under Cilium (it has no "
            + "CiliumEndpoint): evictions refused for 900s (Reconciler:EscalateBlockedAfter 900s): " + Refusal);
        harness.Events.Events.Last().Event.Annotations.Should().ContainKey(RestartEvents.OwnerAnnotation);
    }

    [Fact]
    public async Task A_cycle_late_enough_to_escalate_still_reports_the_block_first()
    {
        var harness = RefusingHarness(ReconcilerHarness.DefaultBudget with { EscalateBlockedAfter = TimeSpan.FromMinutes(15) }, refusals: 1);

        await harness.RunAsync();
        await harness.RunAfterAsync(TimeSpan.FromMinutes(20));

        harness.Events.Reasons.Should().Equal(
            ("default/a", PodEvent.EvictionBlocked), ("default/a", PodEvent.RestartBlocked), ("default/a", PodEvent.BlockedPodDeleted));
        harness.Actions.Restarts.Should().Equal(("default/a", RestartMethod.Evict), ("default/a", RestartMethod.Delete));
    }

    [Fact]
    public async Task Replacements_that_come_back_unmanaged_pause_restarts_on_their_node_with_a_Warning_on_the_node()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(ReadyNode("n1") with { Agent = "agent-uid-1" }).With(RunningPod("ds-0", node: "n1"));
        for (var round = 1; round <= 3; round++)
        {
            await harness.RunAsync();
            var restarted = harness.Actions.Restarts.Count;
            var previous = harness.Cluster.Pods.Single(p => p.NodeName == "n1");
            harness.Time.Advance(TimeSpan.FromMinutes(1));
            harness.Cluster.WithoutPod(previous.Key)
                .With(RunningPod($"ds-{round}", node: "n1") with { StartTime = harness.Time.GetUtcNow().AddSeconds(-40), CreationTime = harness.Time.GetUtcNow().AddSeconds(-40) });
            restarted.Should().Be(Math.Min(round, 2), $"round {round}");
        }

        await harness.RunAsync();
        harness.Actions.Restarts.Should().HaveCount(2, "after two replacements came back unmanaged, n1 is paused");
        harness.Metrics.PausedNodes.Value.Should().Be(1);
        harness.Events.Reasons.Where(r => r.Pod == "node/n1").Should().Equal([("node/n1", PodEvent.RestartsPaused)], "one Warning per pause");

        harness.Cluster.With(ReadyNode("n1") with { Agent = "agent-uid-2" });
        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));
        harness.Actions.Restarts.Should().HaveCount(3, "a new agent pod on the node resumes restarts");
        harness.Metrics.PausedNodes.Value.Should().Be(0);
    }

    [Fact]
    public async Task A_new_leader_adopts_the_recorded_restarts_so_it_neither_exceeds_an_allowance_nor_restarts_inside_a_cool_down()
    {
        var harness = new ReconcilerHarness();
        var sts = new Core.Pods.PodOwner("StatefulSet", "db", "uid-db");
        harness.Cluster.With(RunningPod("ds-b", node: "n2"), RunningPod("db-0", owner: sts));

        // The previous leader evicted ds-a (gone now, no replacement yet) and db-0 (same name again, a minute ago).
        harness.History.Recorded.Add(new RecordedRestart(Owner(), "default/ds-a", "uid-default-ds-a", "n1", Now.AddSeconds(-30)));
        harness.History.Recorded.Add(new RecordedRestart(sts, "default/db-0", "uid-old-db-0", "n1", Now.AddMinutes(-1)));
        await harness.RunAsync();

        harness.Actions.Restarts.Should().BeEmpty("the DaemonSet allows one at a time and db-0 is cooling down");
        harness.History.Reads.Should().Be(1);

        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));
        harness.History.Reads.Should().Be(1, "read once per leadership term");
        harness.Leadership.Term = 2;
        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));
        harness.History.Reads.Should().Be(2, "a new term reads again");
    }

    [Fact]
    public async Task A_leader_that_cannot_read_the_recorded_restarts_restarts_nothing_until_it_can()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(RunningPod("a"));
        harness.History.Fails = true;

        await harness.RunAsync();
        harness.Actions.Restarts.Should().BeEmpty();
        harness.Metrics.UnmanagedPods.Value.Should().Be(1);

        harness.History.Fails = false;
        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));
        harness.Actions.Restarts.Select(r => r.Pod).Should().Equal("default/a");
    }

    [Fact]
    public async Task A_new_term_reads_the_recorded_restarts_with_the_cycle_and_acts_only_once_they_are_in()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(RunningPod("ds-b", node: "n2"));
        harness.History.Answer = new TaskCompletionSource<IReadOnlyList<RecordedRestart>>(TaskCreationOptions.RunContinuationsAsynchronously);

        var cycle = harness.RunAsync();

        harness.History.Reads.Should().Be(1, "the read starts with the cycle, before it waits for anything");
        cycle.IsCompleted.Should().BeFalse("no restart before the ledger knows what earlier leaders did");
        harness.Actions.Restarts.Should().BeEmpty();

        // The previous leader evicted ds-a 30 s ago and its replacement is not there yet.
        harness.History.Answer.SetResult([new RecordedRestart(Owner(), "default/ds-a", "uid-default-ds-a", "n1", Now.AddSeconds(-30))]);
        var summary = await cycle.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        summary.Unmanaged.Should().Be(1);
        harness.Actions.Restarts.Should().BeEmpty("the DaemonSet allows one restart at a time and the adopted one is in flight");
    }
}
