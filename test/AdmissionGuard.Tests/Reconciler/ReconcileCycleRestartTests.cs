using AdmissionGuard.Core.Healing;
using AdmissionGuard.Metrics;
using AdmissionGuard.Reconciler;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class ReconcileCycleRestartTests
{
    [Fact]
    public async Task Evicts_unmanaged_pods_with_an_event_and_metrics()
    {
        var harness = new ReconcilerHarness();
        var managed = RunningPod("managed", owner: Owner("m"));
        harness.Cluster.With(RunningPod("a", owner: Owner("x")), RunningPod("b", owner: Owner("y")), managed).With(EndpointOf(managed));

        var summary = await harness.RunAsync();

        summary.Should().Be(new CycleSummary(Unmanaged: 2, Restarts: 2, Gated: 0, Released: 0));
        harness.Actions.Restarts.Should().Equal(("default/a", RestartMethod.Evict), ("default/b", RestartMethod.Evict));
        harness.Events.Reasons.Should().Equal(("default/a", PodEvent.UnmanagedPodEvicted), ("default/b", PodEvent.UnmanagedPodEvicted));
        var evicted = harness.Events.Events.First().Event;
        (evicted.Type, evicted.Reason, evicted.Message).Should().Be((PodEvent.Normal, PodEvent.UnmanagedPodEvicted,
            "Evicted so that it restarts under Cilium: it has no CiliumEndpoint"));
        evicted.Annotations.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            [RestartEvents.OwnerAnnotation] = "DaemonSet/x/uid-x",
            [RestartEvents.NodeAnnotation] = "n1",
        }, "a new leader reads the restart back from its Event");
        harness.Metrics.UnmanagedPods.Value.Should().Be(0, "both were evicted in this cycle: the gauge counts what is left");
        harness.Restarts(ReconcilerMetrics.Evicted).Should().Be(2);
        harness.Metrics.ReconcileDuration.Count.Should().Be(1);
    }

    [Fact]
    public async Task A_bare_unmanaged_pod_is_not_restarted_and_gets_one_Warning_that_says_why_and_what_to_do()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(RunningPod("bare", noOwner: true));

        var summary = await harness.RunAsync();
        await harness.RunAfterAsync(TimeSpan.FromMinutes(30));

        summary.Should().Be(new CycleSummary(Unmanaged: 1, Restarts: 0, Gated: 0, Released: 0));
        harness.Actions.Restarts.Should().BeEmpty("nothing would recreate a bare pod: a restart would delete it for good");
        harness.Events.Reasons.Should().Equal([("default/bare", PodEvent.NotRestarted)], "one Warning while the pod stays unmanaged, not one per cycle");
        var warning = harness.Events.Events.Single().Event;
        (warning.Type, warning.Message).Should().Be((PodEvent.Warning,
            "Cilium does not manage this pod: it has no CiliumEndpoint. AdmissionGuard does not restart it: no controller would recreate it; restart it by hand"));
        harness.Metrics.UnmanagedPods.Value.Should().Be(1);
    }

    [Fact]
    public async Task Dry_run_changes_nothing_and_reports_each_pod_once_per_cool_down()
    {
        var harness = new ReconcilerHarness(ReconcilerHarness.DefaultBudget with { DryRun = true });
        harness.Cluster.With(RunningPod("a", owner: Owner("x")), RunningPod("b", owner: Owner("y")));

        var first = await harness.RunAsync();
        var second = await harness.RunAfterAsync(TimeSpan.FromSeconds(15));

        harness.Actions.Restarts.Should().BeEmpty();
        first.Restarts.Should().Be(0);
        second.Unmanaged.Should().Be(2, "a dry run leaves the pods as they are");
        harness.Events.Reasons.Should().Equal(("default/a", PodEvent.DryRunWouldEvict), ("default/b", PodEvent.DryRunWouldEvict));
        harness.Events.Events.First().Event.Message.Should().Be("Dry run: would evict this pod; Cilium does not manage it: it has no CiliumEndpoint");
        harness.Restarts(ReconcilerMetrics.DryRun).Should().Be(2);
        harness.Restarts(ReconcilerMetrics.Evicted).Should().Be(0);

        await harness.RunAfterAsync(TimeSpan.FromMinutes(5));
        harness.Restarts(ReconcilerMetrics.DryRun).Should().Be(4, "the cool-down has passed");
    }

    [Fact]
    public async Task Dry_run_with_delete_says_delete()
    {
        var harness = new ReconcilerHarness(ReconcilerHarness.DefaultBudget with { DryRun = true }, RestartMethod.Delete);
        harness.Cluster.With(RunningPod("a"));

        await harness.RunAsync();

        harness.Events.Reasons.Should().Equal(("default/a", PodEvent.DryRunWouldDelete));
    }

    [Fact]
    public async Task An_eviction_blocked_by_a_disruption_budget_is_counted_and_retried_next_cycle()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(RunningPod("a"));
        harness.Actions.AnswerRestart("default/a", new RestartAttempt(RestartResult.BlockedByDisruptionBudget, "Cannot evict pod as it would violate the pod's disruption budget."));

        var first = await harness.RunAsync();
        harness.Metrics.UnmanagedPods.Value.Should().Be(1, "a pod whose eviction was refused is still unmanaged");
        var second = await harness.RunAfterAsync(TimeSpan.FromSeconds(15));

        first.Restarts.Should().Be(0);
        second.Restarts.Should().Be(1);
        harness.Actions.Restarts.Select(r => r.Pod).Should().Equal("default/a", "default/a");
        harness.Restarts(ReconcilerMetrics.BlockedByPdb).Should().Be(1);
        harness.Restarts(ReconcilerMetrics.Evicted).Should().Be(1);
        harness.Events.Reasons.Should().Equal(("default/a", PodEvent.EvictionBlocked), ("default/a", PodEvent.UnmanagedPodEvicted));
        var blocked = harness.Events.Events.First().Event;
        blocked.Type.Should().Be(PodEvent.Warning);
        blocked.Message.Should().Contain("disruption budget").And.EndWith("retrying next cycle");
    }

    [Fact]
    public async Task Only_one_pod_per_owner_is_in_flight_until_its_replacement_runs_managed()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(RunningPod("ds-a", node: "n1"), RunningPod("ds-b", node: "n2"));

        await harness.RunAsync();
        harness.Actions.Restarts.Select(r => r.Pod).Should().Equal("default/ds-a");

        // The evicted pod is terminating and still listed: the owner stays in flight.
        harness.Cluster.With(harness.Cluster.GetPod("default", "ds-a")! with { Terminating = true });
        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));

        // Gone, and a replacement runs but Cilium has not made its endpoint yet (younger than MinPodAge).
        var replacement = RunningPod("ds-c", node: "n1") with { StartTime = harness.Time.GetUtcNow() };
        harness.Cluster.WithoutPod("default/ds-a").With(replacement);
        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));
        harness.Actions.Restarts.Select(r => r.Pod).Should().Equal("default/ds-a");

        harness.Cluster.With(EndpointOf(replacement));
        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));
        harness.Actions.Restarts.Select(r => r.Pod).Should().Equal("default/ds-a", "default/ds-b");
    }

    [Fact]
    public async Task A_pod_is_not_restarted_again_within_its_cool_down()
    {
        var harness = new ReconcilerHarness();
        var sts = new Core.Pods.PodOwner("StatefulSet", "db", "uid-db");
        harness.Cluster.With(RunningPod("db-0", owner: sts));

        await harness.RunAsync();

        // The StatefulSet recreates db-0 with a new UID; it too comes up without Cilium.
        harness.Cluster.With(RunningPod("db-0", owner: sts, age: TimeSpan.FromMinutes(1)) with { Uid = "uid-db-0-new" });
        await harness.RunAfterAsync(TimeSpan.FromMinutes(2));
        harness.Actions.Restarts.Should().HaveCount(1);

        await harness.RunAfterAsync(TimeSpan.FromMinutes(3));
        harness.Actions.Restarts.Select(r => r.Pod).Should().Equal("default/db-0", "default/db-0");
    }

    [Fact]
    public async Task At_most_the_cycle_budget_is_restarted_per_cycle()
    {
        var harness = new ReconcilerHarness(ReconcilerHarness.DefaultBudget with { MaxRestartsPerCycle = 2 });
        harness.Cluster.With(Enumerable.Range(0, 5).Select(i => RunningPod($"p{i}", owner: Owner($"o{i}"))).ToArray());

        (await harness.RunAsync()).Restarts.Should().Be(2);
        (await harness.RunAfterAsync(TimeSpan.FromSeconds(15))).Restarts.Should().Be(2);
        (await harness.RunAfterAsync(TimeSpan.FromSeconds(15))).Restarts.Should().Be(1);
        harness.Actions.Restarts.Select(r => r.Pod).Should().Equal("default/p0", "default/p1", "default/p2", "default/p3", "default/p4");
    }

    [Fact]
    public async Task Delete_method_deletes_and_says_so()
    {
        var harness = new ReconcilerHarness(method: RestartMethod.Delete);
        harness.Cluster.With(RunningPod("a"));

        await harness.RunAsync();

        harness.Actions.Restarts.Should().Equal(("default/a", RestartMethod.Delete));
        harness.Restarts(ReconcilerMetrics.Deleted).Should().Be(1);
        harness.Events.Reasons.Should().Equal(("default/a", PodEvent.UnmanagedPodDeleted));
    }

    [Fact]
    public async Task A_failed_restart_counts_as_error_warns_and_is_retried()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(RunningPod("a"));
        harness.Actions.AnswerRestart("default/a", new RestartAttempt(RestartResult.Failed, "500 Internal Server Error"));

        await harness.RunAsync();
        await harness.RunAfterAsync(TimeSpan.FromSeconds(15));

        harness.Restarts(ReconcilerMetrics.Error).Should().Be(1);
        harness.Restarts(ReconcilerMetrics.Evicted).Should().Be(1);
        harness.Events.Events.First().Event.Should().Be(new PodEvent(PodEvent.Warning, PodEvent.RestartFailed,
            "Restart failed: 500 Internal Server Error; retrying next cycle"));
    }

    [Fact]
    public async Task A_pod_already_gone_is_neither_counted_nor_reported()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.With(RunningPod("a"));
        harness.Actions.AnswerRestart("default/a", new RestartAttempt(RestartResult.AlreadyGone, "not found"));

        var summary = await harness.RunAsync();

        summary.Restarts.Should().Be(0);
        harness.Events.Events.Should().BeEmpty();
        harness.Metrics.PodRestarts.GetAllLabelValues().Sum(labels => harness.Metrics.PodRestarts.WithLabels(labels).Value).Should().Be(0);
    }

    [Fact]
    public async Task A_follower_acts_on_nothing()
    {
        var harness = new ReconcilerHarness();
        harness.Leadership.IsLeader = false;
        harness.Cluster.With(RunningPod("a")).With(GatedPod("g"));

        await harness.RunAsync();

        harness.Actions.Restarts.Should().BeEmpty();
        harness.Actions.GateReleases.Should().BeEmpty();
        harness.Events.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task Without_ciliumendpoints_nothing_is_restarted()
    {
        var harness = new ReconcilerHarness();
        harness.Cluster.EndpointsAvailable = false;
        harness.Cluster.With(RunningPod("a"));

        var summary = await harness.RunAsync();

        summary.Unmanaged.Should().Be(0);
        harness.Actions.Restarts.Should().BeEmpty();
        harness.Metrics.UnmanagedPods.Value.Should().Be(0);
    }
}
