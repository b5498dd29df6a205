using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Core.Tests.Healing;

/// <summary>Per-controller allowances from the owners' own rolling-update settings, and the planner counting against them.</summary>
public sealed class OwnerBudgetTests
{
    private static readonly RestartBudget Budget = new(MaxRestartsPerCycle: 1000, PodCooldown: TimeSpan.FromMinutes(5), DryRun: false);
    private static readonly IReadOnlyDictionary<string, DateTimeOffset> NoRestarts = new Dictionary<string, DateTimeOffset>();

    public static TheoryData<string, string, string?, int, int> Allowances => new()
    {
        // kind, strategy, maxUnavailable, scale, allowance
        { "DaemonSet", "", null, 300, 1 },
        { "DaemonSet", "RollingUpdate", "10%", 300, 30 },
        { "DaemonSet", "RollingUpdate", "10%", 301, 31 },
        { "DaemonSet", "RollingUpdate", "25%", 3, 1 },
        { "DaemonSet", "RollingUpdate", "5", 300, 5 },
        { "DaemonSet", "RollingUpdate", "0%", 300, 1 },
        { "DaemonSet", "OnDelete", "50%", 300, 1 },
        { "Deployment", "", null, 10, 2 },
        { "Deployment", "RollingUpdate", null, 3, 1 },
        { "Deployment", "RollingUpdate", "25%", 11, 2 },
        { "Deployment", "RollingUpdate", "3", 10, 3 },
        { "Deployment", "Recreate", null, 10, 1 },
        { "StatefulSet", "", null, 10, 1 },
        { "StatefulSet", "RollingUpdate", "15%", 10, 2 },
        { "Job", "", "50%", 10, 1 },
    };

    [Theory]
    [MemberData(nameof(Allowances))]
    public void The_allowance_is_what_the_owners_own_rolling_update_takes_down_at_once(string kind, string strategy, string? maxUnavailable, int scale, int allowance)
    {
        var owners = new Dictionary<string, WorkloadOwner> { ["uid-w"] = new(kind, "uid-w", null, strategy, maxUnavailable, scale) };
        var owner = new PodOwner(kind, "w", "uid-w");

        RolloutAllowance.For(owner, owners).Should().Be(allowance);
    }

    [Fact]
    public void A_ReplicaSet_takes_its_Deployments_allowance_and_an_unknown_or_orphan_one_allows_one()
    {
        var owners = new Dictionary<string, WorkloadOwner>
        {
            ["uid-rs"] = new("ReplicaSet", "uid-rs", "uid-deploy", "", null, 12),
            ["uid-deploy"] = new("Deployment", "uid-deploy", null, "RollingUpdate", "50%", 12),
            ["uid-orphan"] = new("ReplicaSet", "uid-orphan", null, "", null, 12),
        };

        RolloutAllowance.For(new PodOwner("ReplicaSet", "rs", "uid-rs"), owners).Should().Be(6);
        RolloutAllowance.For(new PodOwner("ReplicaSet", "orphan", "uid-orphan"), owners).Should().Be(1);
        RolloutAllowance.For(new PodOwner("DaemonSet", "unknown", "uid-unknown"), owners).Should().Be(1);
    }

    [Theory]
    [InlineData("OwnerBudget", null)]
    [InlineData("one", 1)]
    [InlineData("7", 7)]
    public void Concurrency_parses_its_three_forms(string text, int? fixedAllowance)
    {
        RestartConcurrency.TryParse(text, out var concurrency).Should().BeTrue();
        concurrency.Fixed.Should().Be(fixedAllowance);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("many")]
    [InlineData("")]
    [InlineData(null)]
    public void Concurrency_refuses_anything_else(string? text) => RestartConcurrency.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void The_planner_restarts_available_pods_of_a_DaemonSet_up_to_its_allowance_in_one_cycle()
    {
        var owner = Owner("agent");
        var owners = Owners(new WorkloadOwner("DaemonSet", owner.Uid, null, "RollingUpdate", "30%", 10));
        var pods = Enumerable.Range(0, 10).Select(i => RunningPod($"p{i}", node: $"n{i}", owner: owner)).ToList();

        var steps = RestartPlanner.Plan(pods, RestartRoom.Empty, owners, NoRestarts, Budget, Now);

        steps.Count(s => s.Acts).Should().Be(3);
        steps.Where(s => !s.Acts).Should().OnlyContain(s => s.Decision == RestartDecision.SkipOwnerInFlight)
            .And.Contain(s => s.Detail == "3 pods of DaemonSet/agent are unavailable or restarting; it allows 3 at once");
    }

    [Fact]
    public void Unready_unmanaged_pods_go_at_once_without_using_the_allowance_and_other_unready_pods_use_it_up()
    {
        var owner = Owner("agent");
        var owners = Owners(new WorkloadOwner("DaemonSet", owner.Uid, null, "RollingUpdate", "2", 10));
        var unready = Enumerable.Range(0, 4).Select(i => RunningPod($"down{i}", owner: owner, ready: false));
        var ready = Enumerable.Range(0, 4).Select(i => RunningPod($"up{i}", owner: owner));
        var oneOtherPodDown = new RestartRoom(new Dictionary<string, int> { [owner.Uid] = 1 }, 0);

        var steps = RestartPlanner.Plan([.. unready, .. ready], oneOtherPodDown, owners, NoRestarts, Budget, Now);

        steps.Where(s => s.Acts).Select(s => s.Pod.Name).Should().BeEquivalentTo(["down0", "down1", "down2", "down3", "up0"],
            "the unready ones lower no availability; one more ready pod fits beside the one already down");
    }

    [Fact]
    public void The_global_cap_counts_restarts_in_flight_of_every_controller()
    {
        var pods = Enumerable.Range(0, 5).Select(i => RunningPod($"p{i}", owner: Owner($"o{i}"))).ToList();
        var threeInFlight = new RestartRoom(new Dictionary<string, int>(), 3);

        var steps = RestartPlanner.Plan(pods, threeInFlight, Owners(), NoRestarts, Budget with { MaxRestartsInFlight = 4 }, Now);

        steps.Select(s => s.Decision).Should().Equal(RestartDecision.Restart, RestartDecision.SkipGlobalCap, RestartDecision.SkipGlobalCap,
            RestartDecision.SkipGlobalCap, RestartDecision.SkipGlobalCap);
    }

    [Fact]
    public void One_and_a_fixed_number_override_the_owners_allowance()
    {
        var owner = Owner("agent");
        var owners = Owners(new WorkloadOwner("DaemonSet", owner.Uid, null, "RollingUpdate", "50%", 10));
        var pods = Enumerable.Range(0, 10).Select(i => RunningPod($"p{i}", owner: owner)).ToList();

        RestartPlanner.Plan(pods, RestartRoom.Empty, owners, NoRestarts, Budget with { Concurrency = RestartConcurrency.One }, Now).Count(s => s.Acts).Should().Be(1);
        RestartPlanner.Plan(pods, RestartRoom.Empty, owners, NoRestarts, Budget with { Concurrency = RestartConcurrency.Of(2) }, Now).Count(s => s.Acts).Should().Be(2);
        RestartPlanner.Plan(pods, RestartRoom.Empty, owners, NoRestarts, Budget, Now).Count(s => s.Acts).Should().Be(5);
    }

    [Fact]
    public void The_room_counts_restarts_in_flight_and_other_unavailable_pods_but_not_the_replacements_twice()
    {
        var owner = Owner("agent");
        var restarted = RunningPod("restarted", owner: owner);
        var sibling = RunningPod("sibling", owner: owner, ready: false);
        var available = RunningPod("available", owner: owner);
        var known = new HashSet<string> { restarted.Uid, sibling.Uid, available.Uid };
        var restart = new InFlightRestart(owner, restarted.Key, restarted.Uid, "n1", known, Now);
        var replacement = RunningPod("replacement", owner: owner, ready: false);
        var detection = new Detection(true, [.. new[] { sibling, available, replacement }.Select(p => new PodClassification(p, PodVerdict.NoEndpoint, ""))]);

        var room = RestartRoom.From(detection, [restart]);

        room.Unavailable(owner).Should().Be(2, "the restart in flight (its unready replacement is part of it) and the unready sibling");
        room.InFlight.Should().Be(1);
    }

    [Fact]
    public void The_unready_replacement_of_a_restart_that_ended_counts_even_while_another_restart_is_in_flight()
    {
        var owner = Owner("agent");
        var restarted = RunningPod("restarted", node: "n2", owner: owner);
        var restart = new InFlightRestart(owner, restarted.Key, restarted.Uid, "n2", new HashSet<string> { restarted.Uid }, Now);
        var replacementOfAnEndedRestart = RunningPod("earlier-replacement", node: "n1", owner: owner, ready: false);
        var detection = new Detection(true, [new PodClassification(replacementOfAnEndedRestart, PodVerdict.Managed, "")]);

        RestartRoom.From(detection, [restart]).Unavailable(owner).Should().Be(2, "the restart on n2 and the pod on n1 that is not Ready yet");
    }

    private static Dictionary<string, WorkloadOwner> Owners(params WorkloadOwner[] owners) => owners.ToDictionary(o => o.Uid, StringComparer.Ordinal);
}
