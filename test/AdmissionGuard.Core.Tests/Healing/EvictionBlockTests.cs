using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Labels;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Core.Tests.Healing;

public sealed class EvictionBlockTests
{
    private static readonly Core.Pods.PodFacts Pod = RunningPod("csi-1") with { Labels = new Dictionary<string, string> { ["app"] = "csi" } };

    private static DisruptionBudgetFacts Budget(string name, string selector = "app=csi", int allowed = 1, string? syncFailure = null, string ns = "default") =>
        new(ns, name, LabelSelector.Parse(selector), allowed, StatusCurrent: syncFailure is null, syncFailure);

    public static TheoryData<string, DisruptionBudgetFacts[], EvictionBlockKind?> Cases => new()
    {
        { "no budget", [], null },
        { "a budget with room", [Budget("csi")], null },
        { "a budget of another namespace", [Budget("csi", allowed: 0, ns: "other")], null },
        { "a budget selecting other pods", [Budget("web", "app=web", allowed: 0)], null },
        { "a budget with no disruption left", [Budget("csi", allowed: 0)], EvictionBlockKind.NoDisruptionsAllowed },
        { "a budget that cannot compute (SyncFailed)", [Budget("csi", allowed: 0, syncFailure: "found no controllers for pod")], EvictionBlockKind.BudgetCannotCompute },
        { "two budgets, even with room", [Budget("a"), Budget("b", "")], EvictionBlockKind.SeveralBudgets },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Budgets_block_a_Ready_pod_as_the_Eviction_API_would(string situation, DisruptionBudgetFacts[] budgets, EvictionBlockKind? expected)
    {
        EvictionBlock.Find(Pod, budgets)?.Kind.Should().Be(expected, situation);
        (EvictionBlock.Find(Pod, budgets) is null).Should().Be(expected is null, situation);
    }

    [Fact]
    public void A_pod_that_is_not_Ready_may_still_go_through_a_budget_with_no_disruption_left()
    {
        EvictionBlock.Find(Pod with { Ready = false }, [Budget("csi", allowed: 0)]).Should().BeNull();
    }

    [Fact]
    public void The_explanations_name_the_budgets_and_say_what_would_help()
    {
        EvictionBlock.Find(Pod, [Budget("b"), Budget("a")])!.Detail.Should()
            .StartWith("selected by 2 PodDisruptionBudgets (a, b): the Eviction API refuses such pods (500)");
        EvictionBlock.Find(Pod, [Budget("csi", allowed: 0, syncFailure: "apps/v1/daemonset does not implement the scale subresource")])!.Detail.Should()
            .Be("PodDisruptionBudget csi cannot compute disruptions (SyncFailed: apps/v1/daemonset does not implement the scale subresource): "
                + "maxUnavailable or a percentage needs a controller with a scale subresource, which DaemonSets and bare pods lack; use an integer minAvailable");
        EvictionBlock.Find(Pod, [Budget("csi", allowed: 0)])!.Detail.Should().Be("PodDisruptionBudget csi allows no disruption now");
    }
}
