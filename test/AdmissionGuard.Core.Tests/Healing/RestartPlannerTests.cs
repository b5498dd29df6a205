using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Core.Tests.Healing;

public sealed class RestartPlannerTests
{
    private static readonly RestartBudget Budget = new(MaxRestartsPerCycle: 2, PodCooldown: TimeSpan.FromMinutes(5), DryRun: false);
    private static readonly IReadOnlySet<string> NoOwnersInFlight = new HashSet<string>();
    private static readonly IReadOnlyDictionary<string, DateTimeOffset> NoRestarts = new Dictionary<string, DateTimeOffset>();
    private static readonly IReadOnlyDictionary<string, WorkloadOwner> NoOwners = new Dictionary<string, WorkloadOwner>();

    /// <summary>One restart in flight for each of these owners.</summary>
    internal static RestartRoom RoomWith(IReadOnlySet<string> ownersInFlight) =>
        new(ownersInFlight.ToDictionary(o => o, _ => 1, StringComparer.Ordinal), ownersInFlight.Count);

    private static IReadOnlyList<RestartStep> Plan(
        IEnumerable<PodFacts> pods,
        RestartBudget? budget = null,
        IReadOnlySet<string>? ownersInFlight = null,
        IReadOnlyDictionary<string, DateTimeOffset>? lastRestarts = null) =>
        RestartPlanner.Plan(pods, RoomWith(ownersInFlight ?? NoOwnersInFlight), NoOwners, lastRestarts ?? NoRestarts, budget ?? Budget, Now);

    private static (string Name, RestartDecision Decision)[] Summary(IEnumerable<RestartStep> steps) =>
        steps.Select(s => (s.Pod.Name, s.Decision)).ToArray();

    [Fact]
    public void Restarts_pods_of_different_owners_up_to_the_cycle_budget()
    {
        var steps = Plan([RunningPod("a", owner: Owner("x")), RunningPod("b", owner: Owner("y")), RunningPod("c", owner: Owner("z"))]);

        Summary(steps).Should().Equal(
            ("a", RestartDecision.Restart),
            ("b", RestartDecision.Restart),
            ("c", RestartDecision.SkipCycleBudget));
    }

    [Fact]
    public void Orders_oldest_first_then_by_namespace_and_name()
    {
        var steps = Plan(
            [
                RunningPod("young", owner: Owner("1"), age: TimeSpan.FromMinutes(1)),
                RunningPod("b", ns: "beta", owner: Owner("2")),
                RunningPod("a", ns: "beta", owner: Owner("3")),
                RunningPod("z", ns: "alpha", owner: Owner("4")),
                RunningPod("old", owner: Owner("5"), age: TimeSpan.FromHours(1)),
            ],
            Budget with { MaxRestartsPerCycle = 10 });

        steps.Select(s => s.Pod.Key).Should().Equal("default/old", "alpha/z", "beta/a", "beta/b", "default/young");
    }

    [Fact]
    public void Restarts_one_pod_per_owner_per_cycle()
    {
        var steps = Plan([RunningPod("a"), RunningPod("b"), RunningPod("c", owner: Owner("other"))]);

        Summary(steps).Should().Equal(
            ("a", RestartDecision.Restart),
            ("b", RestartDecision.SkipOwnerInFlight),
            ("c", RestartDecision.Restart));
    }

    [Fact]
    public void Skips_owners_with_a_restart_in_flight_from_an_earlier_cycle()
    {
        var steps = Plan([RunningPod("a"), RunningPod("c", owner: Owner("other"))], ownersInFlight: new HashSet<string> { Owner().Uid });

        Summary(steps).Should().Equal(("a", RestartDecision.SkipOwnerInFlight), ("c", RestartDecision.Restart));
        steps[0].Detail.Should().Contain("DaemonSet/ds");
    }

    [Fact]
    public void Honours_the_pod_cool_down_until_it_has_passed()
    {
        var justInside = new Dictionary<string, DateTimeOffset> { ["default/a"] = Now - Budget.PodCooldown + TimeSpan.FromSeconds(1) };
        var justOutside = new Dictionary<string, DateTimeOffset> { ["default/a"] = Now - Budget.PodCooldown };

        Plan([RunningPod("a")], lastRestarts: justInside)[0].Decision.Should().Be(RestartDecision.SkipCoolingDown);
        Plan([RunningPod("a")], lastRestarts: justInside)[0].Detail.Should().Be("restarted 299s ago; cool-down ends in 1s");
        Plan([RunningPod("a")], lastRestarts: justOutside)[0].Decision.Should().Be(RestartDecision.Restart);
    }

    [Fact]
    public void A_cooling_pod_does_not_use_the_owner_slot_or_the_budget()
    {
        var cooling = new Dictionary<string, DateTimeOffset> { ["default/old"] = Now - TimeSpan.FromMinutes(1) };

        var steps = Plan([RunningPod("old", age: TimeSpan.FromHours(1)), RunningPod("new")], Budget with { MaxRestartsPerCycle = 1 }, lastRestarts: cooling);

        Summary(steps).Should().Equal(("old", RestartDecision.SkipCoolingDown), ("new", RestartDecision.Restart));
    }

    [Fact]
    public void Never_restarts_a_bare_pod_because_nothing_would_recreate_it()
    {
        var steps = Plan([RunningPod("bare", noOwner: true)]);

        steps.Single().Decision.Should().Be(RestartDecision.SkipNoController);
        steps.Single().Acts.Should().BeFalse();
    }

    [Fact]
    public void Dry_run_plans_the_same_pods_but_only_as_would_restart()
    {
        var pods = new[] { RunningPod("a", owner: Owner("x")), RunningPod("b", owner: Owner("x")), RunningPod("c", owner: Owner("y")), RunningPod("d", owner: Owner("z")) };

        var steps = Plan(pods, Budget with { DryRun = true });

        Summary(steps).Should().Equal(
            ("a", RestartDecision.WouldRestart),
            ("b", RestartDecision.SkipOwnerInFlight),
            ("c", RestartDecision.WouldRestart),
            ("d", RestartDecision.SkipCycleBudget));
        steps.Where(s => s.Acts).Should().OnlyContain(s => s.Decision == RestartDecision.WouldRestart);
    }

    [Fact]
    public void A_zero_budget_restarts_nothing()
    {
        Plan([RunningPod("a")], Budget with { MaxRestartsPerCycle = 0 }).Single().Decision.Should().Be(RestartDecision.SkipCycleBudget);
    }

    [Fact]
    public void Nothing_to_plan_gives_an_empty_plan()
    {
        Plan([]).Should().BeEmpty();
    }

    private static RestartHolds BlockedSince(PodFacts pod, DateTimeOffset since) =>
        new(new Dictionary<string, BlockedEviction> { [pod.Uid] = new(since, "needs 3 healthy pods and has 2") }, new Dictionary<string, string>());

    [Fact]
    public void A_pod_refused_for_EscalateBlockedAfter_is_deleted_instead_and_only_then()
    {
        var pod = RunningPod("a");
        var escalating = Budget with { EscalateBlockedAfter = TimeSpan.FromMinutes(30) };

        RestartPlanner.Plan([pod], RestartRoom.Empty, NoOwners, NoRestarts, escalating, Now, BlockedSince(pod, Now.AddMinutes(-29)))
            .Single().Decision.Should().Be(RestartDecision.Restart);
        var step = RestartPlanner.Plan([pod], RestartRoom.Empty, NoOwners, NoRestarts, escalating, Now, BlockedSince(pod, Now.AddMinutes(-30))).Single();
        step.Decision.Should().Be(RestartDecision.DeleteBlocked);
        step.Detail.Should().Be("evictions refused for 1800s (Reconciler:EscalateBlockedAfter 1800s): needs 3 healthy pods and has 2");
        RestartPlanner.Plan([pod], RestartRoom.Empty, NoOwners, NoRestarts, Budget, Now, BlockedSince(pod, Now.AddDays(-1)))
            .Single().Decision.Should().Be(RestartDecision.Restart, "escalation is off unless set");
    }

    [Fact]
    public void Escalation_still_waits_for_the_controller_allowance()
    {
        var pod = RunningPod("a");
        var escalating = Budget with { EscalateBlockedAfter = TimeSpan.FromMinutes(1) };

        RestartPlanner.Plan([pod], RoomWith(new HashSet<string> { pod.Owner!.Uid }), NoOwners, NoRestarts, escalating, Now, BlockedSince(pod, Now.AddHours(-1)))
            .Single().Decision.Should().Be(RestartDecision.SkipOwnerInFlight);
    }

    [Fact]
    public void Pods_on_a_paused_node_are_skipped_with_the_reason()
    {
        var holds = new RestartHolds(new Dictionary<string, BlockedEviction>(), new Dictionary<string, string> { ["n1"] = "Cilium seems broken there" });

        var steps = RestartPlanner.Plan([RunningPod("a", node: "n1"), RunningPod("b", node: "n2", owner: Owner("other"))], RestartRoom.Empty, NoOwners, NoRestarts, Budget, Now, holds);

        Summary(steps).Should().Equal(("a", RestartDecision.SkipNodePaused), ("b", RestartDecision.Restart));
        steps[0].Detail.Should().Be("Cilium seems broken there");
    }
}
