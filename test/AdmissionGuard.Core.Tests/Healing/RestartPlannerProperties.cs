using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using CsCheck;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Core.Tests.Healing;

/// <summary>The budget rules hold for any mix of pods, owners, cool-downs and in-flight owners.</summary>
public sealed class RestartPlannerProperties
{
    private sealed record Case(PodFacts[] Pods, HashSet<string> OwnersInFlight, Dictionary<string, DateTimeOffset> LastRestarts, RestartBudget Budget);

    private static readonly Gen<PodFacts> GenPod =
        Gen.Select(Gen.Int[0, 30], Gen.Int[0, 4], Gen.Int[0, 5], Gen.Int[1, 3600], (name, ns, owner, ageSeconds) =>
            RunningPod($"p{name}", ns: $"ns{ns}", owner: Owner($"o{owner}"), age: TimeSpan.FromSeconds(ageSeconds), noOwner: owner == 5));

    private static readonly Gen<Case> GenCase =
        Gen.Select(GenPod.Array[0, 40], Gen.Int[0, 5].Array[0, 3], Gen.Int[0, 600].Array[0, 10], Gen.Int[0, 6], Gen.Bool,
            (pods, inFlight, cooldownAges, max, dryRun) =>
            {
                var unique = pods.DistinctBy(p => p.Key).ToArray();
                var lastRestarts = unique.Zip(cooldownAges).ToDictionary(x => x.First.Key, x => Now - TimeSpan.FromSeconds(x.Second));
                return new Case(unique, inFlight.Select(o => Owner($"o{o}").Uid).ToHashSet(), lastRestarts,
                    new RestartBudget(max, TimeSpan.FromMinutes(5), dryRun));
            });

    private static IReadOnlyList<RestartStep> Plan(Case c, IEnumerable<PodFacts> pods) =>
        RestartPlanner.Plan(pods, RestartPlannerTests.RoomWith(c.OwnersInFlight), new Dictionary<string, WorkloadOwner>(), c.LastRestarts, c.Budget, Now);

    [Fact]
    public void No_plan_breaks_a_budget_rule()
    {
        GenCase.Sample(c =>
        {
            var steps = Plan(c, c.Pods);
            var acting = steps.Where(s => s.Acts).ToList();

            steps.Should().HaveCount(c.Pods.Length);
            acting.Count.Should().BeLessThanOrEqualTo(c.Budget.MaxRestartsPerCycle);
            acting.Should().OnlyContain(s => s.Pod.Owner != null && !c.OwnersInFlight.Contains(s.Pod.Owner.Uid));
            acting.Select(s => s.Pod.Owner!.Uid).Should().OnlyHaveUniqueItems();
            acting.Should().OnlyContain(s => !c.LastRestarts.ContainsKey(s.Pod.Key) || Now - c.LastRestarts[s.Pod.Key] >= c.Budget.PodCooldown);
            acting.Should().OnlyContain(s => s.Decision == (c.Budget.DryRun ? RestartDecision.WouldRestart : RestartDecision.Restart));
        });
    }

    [Fact]
    public void The_plan_does_not_depend_on_the_order_pods_come_in()
    {
        GenCase.Sample(c =>
        {
            var forward = Plan(c, c.Pods).Select(s => (s.Pod.Key, s.Decision));
            var backward = Plan(c, c.Pods.Reverse()).Select(s => (s.Pod.Key, s.Decision));

            backward.Should().Equal(forward);
        });
    }

    [Fact]
    public void Every_skip_for_the_cycle_budget_comes_after_the_budget_is_spent()
    {
        GenCase.Sample(c =>
        {
            var steps = Plan(c, c.Pods);
            var firstBudgetSkip = steps.ToList().FindIndex(s => s.Decision == RestartDecision.SkipCycleBudget);

            if (firstBudgetSkip >= 0)
            {
                steps.Take(firstBudgetSkip).Count(s => s.Acts).Should().Be(c.Budget.MaxRestartsPerCycle);
            }
        });
    }
}
