using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Core.Tests.Healing;

public sealed class RestartLedgerTests
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(5);
    private static readonly UnmanagedPodDetector Detector = new(Policy);

    private readonly FakeClusterSnapshot _cluster = new FakeClusterSnapshot()
        .With(ReadyNode("n1"), ReadyNode("n2"))
        .With(RunningPod("a", node: "n1"), RunningPod("b", node: "n2"));

    private Detection Detect(DateTimeOffset at) => Detector.Detect(_cluster, at);

    private RestartLedger LedgerWithRestartOfA()
    {
        var ledger = new RestartLedger();
        ledger.RecordRestart(_cluster.GetPod("default", "a")!, Detect(Now), Now);
        return ledger;
    }

    [Fact]
    public void A_restart_cools_the_pod_down_and_holds_its_owner()
    {
        var ledger = LedgerWithRestartOfA();

        ledger.LastRestarts.Should().ContainKey("default/a").WhoseValue.Should().Be(Now);
        ledger.InFlight.Select(r => r.Owner.Uid).Should().Equal(Owner().Uid);
    }

    [Fact]
    public void The_owner_stays_held_while_the_restarted_pod_still_exists()
    {
        var ledger = LedgerWithRestartOfA();
        var replacement = RunningPod("a-new", node: "n1");
        _cluster.With(replacement).With(EndpointOf(replacement));

        ledger.Settle(Detect(Now.AddSeconds(40)), Cooldown, Now.AddSeconds(40));

        ledger.InFlight.Select(r => r.Owner.Uid).Should().Contain(Owner().Uid);
    }

    [Fact]
    public void The_owner_stays_held_while_the_replacement_is_not_managed_yet()
    {
        var ledger = LedgerWithRestartOfA();
        _cluster.WithoutPod("default/a").With(RunningPod("a-new", node: "n1") with { StartTime = Now.AddSeconds(30) });

        ledger.Settle(Detect(Now.AddSeconds(40)), Cooldown, Now.AddSeconds(40));

        ledger.InFlight.Select(r => r.Owner.Uid).Should().Contain(Owner().Uid);
    }

    [Fact]
    public void An_old_sibling_that_is_managed_is_not_a_replacement()
    {
        var ledger = LedgerWithRestartOfA();
        _cluster.WithoutPod("default/a").With(EndpointOf(_cluster.GetPod("default", "b")!));

        ledger.Settle(Detect(Now.AddSeconds(40)), Cooldown, Now.AddSeconds(40));

        ledger.InFlight.Select(r => r.Owner.Uid).Should().Contain(Owner().Uid);
    }

    [Fact]
    public void The_owner_is_free_once_the_replacement_runs_managed()
    {
        var ledger = LedgerWithRestartOfA();
        var replacement = RunningPod("a-new", node: "n1");
        _cluster.WithoutPod("default/a").With(replacement).With(EndpointOf(replacement));

        ledger.Settle(Detect(Now.AddSeconds(40)), Cooldown, Now.AddSeconds(40));

        ledger.InFlight.Select(r => r.Owner.Uid).Should().BeEmpty();
        ledger.LastRestarts.Should().ContainKey("default/a", "the cool-down outlives the in-flight hold");
    }

    [Fact]
    public void A_statefulset_replacement_with_the_same_name_but_a_new_uid_counts()
    {
        var ledger = LedgerWithRestartOfA();
        var replacement = RunningPod("a", node: "n1") with { Uid = "uid-new" };
        _cluster.With(replacement).With(EndpointOf(replacement));

        ledger.Settle(Detect(Now.AddSeconds(40)), Cooldown, Now.AddSeconds(40));

        ledger.InFlight.Select(r => r.Owner.Uid).Should().BeEmpty();
    }

    [Fact]
    public void The_owner_is_free_when_it_has_no_pods_left()
    {
        var ledger = LedgerWithRestartOfA();
        _cluster.WithoutPod("default/a").WithoutPod("default/b");

        ledger.Settle(Detect(Now.AddSeconds(1)), Cooldown, Now.AddSeconds(1));

        ledger.InFlight.Select(r => r.Owner.Uid).Should().BeEmpty();
    }

    [Fact]
    public void A_replacement_that_never_comes_frees_the_owner_after_the_cool_down()
    {
        var ledger = LedgerWithRestartOfA();
        _cluster.WithoutPod("default/a");

        ledger.Settle(Detect(Now + Cooldown - TimeSpan.FromSeconds(1)), Cooldown, Now + Cooldown - TimeSpan.FromSeconds(1));
        ledger.InFlight.Select(r => r.Owner.Uid).Should().NotBeEmpty();

        ledger.Settle(Detect(Now + Cooldown), Cooldown, Now + Cooldown);
        ledger.InFlight.Select(r => r.Owner.Uid).Should().BeEmpty();
        ledger.LastRestarts.Should().BeEmpty("ended cool-downs are forgotten");
    }

    [Fact]
    public void A_dry_run_report_cools_the_pod_down_without_holding_the_owner()
    {
        var ledger = new RestartLedger();

        ledger.RecordReport(RunningPod("a"), Now);

        ledger.LastRestarts.Should().ContainKey("default/a");
        ledger.InFlight.Select(r => r.Owner.Uid).Should().BeEmpty();
    }

    [Fact]
    public void Several_restarts_of_one_DaemonSet_end_one_by_one_each_by_a_managed_replacement_on_its_own_node()
    {
        var ledger = new RestartLedger();
        ledger.RecordRestart(_cluster.GetPod("default", "a")!, Detect(Now), Now);
        ledger.RecordRestart(_cluster.GetPod("default", "b")!, Detect(Now), Now);
        var onN1 = RunningPod("a-new", node: "n1", age: TimeSpan.FromSeconds(5));
        _cluster.WithoutPod("default/a").WithoutPod("default/b").With(onN1).With(EndpointOf(onN1));

        ledger.Settle(Detect(Now.AddSeconds(40)), Cooldown, Now.AddSeconds(40));

        ledger.InFlight.Should().ContainSingle().Which.PodUid.Should().Be("uid-default-b", "the replacement on n1 ends only the restart on n1");
    }

    [Fact]
    public void Refusals_date_the_block_from_the_first_one_and_end_with_a_restart()
    {
        var ledger = new RestartLedger();
        var pod = _cluster.GetPod("default", "a")!;

        ledger.RecordRefusal(pod, "needs 2 healthy pods", Now);
        var later = ledger.RecordRefusal(pod, "needs 2 healthy pods and has 1", Now.AddMinutes(3));

        later.Should().Be(new BlockedEviction(Now, "needs 2 healthy pods and has 1"));
        later.For(Now.AddMinutes(3)).Should().Be(TimeSpan.FromMinutes(3));
        ledger.RecordRestart(pod, Detect(Now.AddMinutes(4)), Now.AddMinutes(4));
        ledger.Blocked.Should().BeEmpty();
    }

    [Fact]
    public void A_refusal_is_forgotten_once_the_pod_is_no_longer_unmanaged()
    {
        var ledger = new RestartLedger();
        var pod = _cluster.GetPod("default", "a")!;
        ledger.RecordRefusal(pod, "no", Now);

        ledger.Settle(Detect(Now), Cooldown, Now);
        ledger.Blocked.Should().ContainKey(pod.Uid, "still unmanaged");

        _cluster.With(EndpointOf(pod));
        ledger.Settle(Detect(Now.AddSeconds(1)), Cooldown, Now.AddSeconds(1));
        ledger.Blocked.Should().BeEmpty();
    }

    [Fact]
    public void Replacements_that_come_back_unmanaged_pause_their_node_until_its_agent_changes()
    {
        var ledger = new RestartLedger();
        var agent = "agent-1";
        string? AgentOf(string node) => node == "n1" ? agent : "agent-2";
        var t = Now;
        for (var round = 1; round <= 2; round++)
        {
            var restarted = _cluster.Pods.Single(p => p.NodeName == "n1");
            ledger.RecordRestart(restarted, Detect(t), t);
            t = t.AddMinutes(1);
            _cluster.WithoutPod(restarted.Key).With(RunningPod($"a-{round}", node: "n1") with { StartTime = t.AddSeconds(-31), CreationTime = t.AddSeconds(-31) });
            ledger.Settle(Detect(t), Cooldown, t, AgentOf);

            ledger.InFlight.Should().BeEmpty("an unmanaged replacement ends the restart (as a failure)");
            ledger.Holds(maxFailedRestartsPerNode: 2).PausedNodes.Keys.Should().Equal(round == 2 ? ["n1"] : []);
        }

        ledger.Holds(2).PausedNodes["n1"].Should().Be(
            "2 restarts on node n1 came back without a CiliumEndpoint: Cilium seems broken there; restarts resume when its agent pod changes");
        agent = "agent-1b";
        ledger.Settle(Detect(t), Cooldown, t, AgentOf);
        ledger.Holds(2).PausedNodes.Should().BeEmpty("a new agent pod gets a fresh start");
    }

    [Fact]
    public void An_adopted_restart_holds_its_owner_and_cools_its_pod_down_like_one_of_our_own()
    {
        var ledger = new RestartLedger();
        _cluster.WithoutPod("default/a");
        var recorded = new RecordedRestart(Owner(), "default/a", "uid-default-a", "n1", Now.AddSeconds(-20).AddMilliseconds(700));

        ledger.Adopt(recorded, Detect(Now), Cooldown, Now);

        ledger.LastRestarts.Should().Contain("default/a", recorded.At);
        ledger.InFlight.Should().ContainSingle().Which.KnownPodUids.Should().BeEquivalentTo(["uid-default-a"],
            "a DaemonSet's replacement is looked for on the restarted pod's node only, where no other pod of it runs");

        // creationTimestamp has whole seconds: created in the restart's second, 300 ms after it.
        var replacement = RunningPod("a-new", node: "n1") with { StartTime = Now, CreationTime = Now.AddSeconds(-20) };
        _cluster.With(replacement).With(EndpointOf(replacement));
        ledger.Settle(Detect(Now.AddSeconds(1)), Cooldown, Now.AddSeconds(1));
        ledger.InFlight.Should().BeEmpty("the managed pod created after the restart replaces it");
    }

    [Fact]
    public void A_recorded_restart_older_than_the_cool_down_is_not_adopted()
    {
        var ledger = new RestartLedger();

        ledger.Adopt(new RecordedRestart(Owner(), "default/a", "uid-default-a", "n1", Now - Cooldown), Detect(Now), Cooldown, Now);

        ledger.InFlight.Should().BeEmpty();
        ledger.LastRestarts.Should().BeEmpty();
    }

    [Fact]
    public void An_adopted_restart_of_a_Deployment_pod_knows_the_siblings_created_before_it_and_no_later_one()
    {
        var web = new PodOwner("ReplicaSet", "web-5d8f", "uid-web");
        var ledger = new RestartLedger();
        var later = RunningPod("web-3", node: "n2", owner: web, age: TimeSpan.FromSeconds(5));
        _cluster.With(RunningPod("web-1", node: "n1", owner: web), RunningPod("web-2", node: "n2", owner: web), later).With(EndpointOf(later));
        var recorded = new RecordedRestart(web, "default/web-0", "uid-default-web-0", "n1", Now.AddSeconds(-20));

        ledger.Adopt(recorded, Detect(Now), Cooldown, Now);

        ledger.InFlight.Should().ContainSingle().Which.KnownPodUids.Should().BeEquivalentTo(
            ["uid-default-web-0", "uid-default-web-1", "uid-default-web-2"], "web-3 was created after the restart: it may be its replacement");
        ledger.Settle(Detect(Now.AddSeconds(1)), Cooldown, Now.AddSeconds(1));
        ledger.InFlight.Should().BeEmpty("web-3 runs managed");
    }

    [Fact]
    public void A_DaemonSet_restart_remembers_only_the_pods_on_its_node_and_ends_when_a_new_one_runs_managed_there()
    {
        var ledger = new RestartLedger();
        _cluster.With(Enumerable.Range(3, 50).Select(n => RunningPod($"ds-{n}", node: $"n{n}")).ToArray());

        ledger.RecordRestart(_cluster.GetPod("default", "a")!, Detect(Now), Now);

        ledger.InFlight.Should().ContainSingle().Which.KnownPodUids.Should().Equal("uid-default-a");
        var elsewhere = RunningPod("ds-new-elsewhere", node: "n2", age: TimeSpan.FromSeconds(1));
        _cluster.WithoutPod("default/a").With(elsewhere).With(EndpointOf(elsewhere));
        ledger.Settle(Detect(Now.AddSeconds(40)), Cooldown, Now.AddSeconds(40));
        ledger.InFlight.Should().ContainSingle("a new pod on another node is not the replacement");
        var replacement = RunningPod("a-new", node: "n1", age: TimeSpan.FromSeconds(1));
        _cluster.With(replacement).With(EndpointOf(replacement));
        ledger.Settle(Detect(Now.AddSeconds(41)), Cooldown, Now.AddSeconds(41));
        ledger.InFlight.Should().BeEmpty();
    }
}
