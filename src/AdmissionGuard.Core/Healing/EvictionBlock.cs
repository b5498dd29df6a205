using System.Globalization;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>Why the Eviction API refuses, or will refuse, to evict a pod.</summary>
public enum EvictionBlockKind
{
    /// <summary>The budget allows no disruption now; it may later (pods become Ready, a rollout ends).</summary>
    NoDisruptionsAllowed,

    /// <summary>The budget's status is never computed (<c>SyncFailed</c>): every eviction is refused until it changes.</summary>
    BudgetCannotCompute,

    /// <summary>Several budgets select the pod: the API server answers 500 to every eviction.</summary>
    SeveralBudgets,
}

/// <summary>A PodDisruptionBudget situation that refuses evictions of a pod, with an explanation that says what to do.</summary>
public sealed record EvictionBlock(EvictionBlockKind Kind, string Detail)
{
    /// <summary>
    /// What the budgets of the pod's namespace do to an eviction of it, as <c>pkg/registry/core/pod/storage/eviction.go</c>
    /// decides: null when they let it through. A pod that is not Ready may get through a budget with no disruptions
    /// left (eviction.go lets unhealthy pods go when the budget is otherwise met), so only Ready pods are called
    /// blocked for that reason.
    /// </summary>
    public static EvictionBlock? Find(PodFacts pod, IEnumerable<DisruptionBudgetFacts> budgets)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(budgets);
        var selecting = budgets
            .Where(b => b.Namespace == pod.Namespace && b.Selector.Matches(pod.Labels))
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        return selecting switch
        {
            [] => null,
            [_, _, ..] => new(EvictionBlockKind.SeveralBudgets,
                $"selected by {selecting.Count} PodDisruptionBudgets ({string.Join(", ", selecting.Select(b => b.Name))}): the Eviction API refuses such pods (500) whatever the budgets allow; leave one budget per pod"),
            [{ SyncFailure: { } failure } budget] => new(EvictionBlockKind.BudgetCannotCompute,
                $"PodDisruptionBudget {budget.Name} cannot compute disruptions (SyncFailed: {failure}): maxUnavailable or a percentage needs a controller with a scale subresource, which DaemonSets and bare pods lack; use an integer minAvailable"),
            [{ DisruptionsAllowed: <= 0 } budget] when pod.Ready => new(EvictionBlockKind.NoDisruptionsAllowed,
                string.Create(CultureInfo.InvariantCulture, $"PodDisruptionBudget {budget.Name} allows no disruption now")),
            _ => null,
        };
    }
}
