using System.Globalization;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// Turns the unmanaged pods into an ordered plan within the budget. Deterministic: the oldest pods first
/// (they have been broken longest), then namespace/name, so every replica and every test sees one order.
/// </summary>
public static class RestartPlanner
{
    /// <param name="unmanaged">Pods the detector flagged.</param>
    /// <param name="ownersInFlight">UIDs of controllers with a restart whose replacement is not managed yet.</param>
    /// <param name="lastRestarts">Last restart (or dry-run report) per pod key namespace/name.</param>
    /// <param name="budget">The budget.</param>
    /// <param name="now">The current time.</param>
    public static IReadOnlyList<RestartStep> Plan(
        IEnumerable<PodFacts> unmanaged,
        IReadOnlySet<string> ownersInFlight,
        IReadOnlyDictionary<string, DateTimeOffset> lastRestarts,
        RestartBudget budget,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(unmanaged);
        ArgumentNullException.ThrowIfNull(ownersInFlight);
        ArgumentNullException.ThrowIfNull(lastRestarts);
        ArgumentNullException.ThrowIfNull(budget);

        var ordered = unmanaged
            .OrderBy(p => p.StartTime ?? DateTimeOffset.MaxValue)
            .ThenBy(p => p.Namespace, StringComparer.Ordinal)
            .ThenBy(p => p.Name, StringComparer.Ordinal);
        var ownersThisCycle = new HashSet<string>(StringComparer.Ordinal);
        var acting = 0;
        var steps = new List<RestartStep>();
        foreach (var pod in ordered)
        {
            var step = Decide(pod, ownersInFlight, ownersThisCycle, lastRestarts, budget, acting, now);
            if (step.Acts)
            {
                acting++;
                ownersThisCycle.Add(pod.Owner!.Uid);
            }

            steps.Add(step);
        }

        return steps;
    }

    private static RestartStep Decide(
        PodFacts pod,
        IReadOnlySet<string> ownersInFlight,
        HashSet<string> ownersThisCycle,
        IReadOnlyDictionary<string, DateTimeOffset> lastRestarts,
        RestartBudget budget,
        int acting,
        DateTimeOffset now)
    {
        if (pod.Owner is not { } owner)
        {
            return new(pod, RestartDecision.SkipNoController, "no controller would recreate it; restart it by hand");
        }

        if (lastRestarts.TryGetValue(pod.Key, out var last) && now - last < budget.PodCooldown)
        {
            var left = budget.PodCooldown - (now - last);
            return new(pod, RestartDecision.SkipCoolingDown,
                string.Create(CultureInfo.InvariantCulture, $"restarted {(long)(now - last).TotalSeconds}s ago; cool-down ends in {(long)Math.Ceiling(left.TotalSeconds)}s"));
        }

        if (ownersInFlight.Contains(owner.Uid) || ownersThisCycle.Contains(owner.Uid))
        {
            return new(pod, RestartDecision.SkipOwnerInFlight,
                $"waiting for the replacement of another pod of {owner.Kind}/{owner.Name} to be managed");
        }

        if (acting >= budget.MaxRestartsPerCycle)
        {
            return new(pod, RestartDecision.SkipCycleBudget,
                string.Create(CultureInfo.InvariantCulture, $"{budget.MaxRestartsPerCycle} restarts per cycle already planned"));
        }

        return budget.DryRun
            ? new(pod, RestartDecision.WouldRestart, "dry run")
            : new(pod, RestartDecision.Restart, "unmanaged");
    }
}
