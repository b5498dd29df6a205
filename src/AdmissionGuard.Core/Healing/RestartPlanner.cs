using System.Globalization;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// Turns the unmanaged pods into an ordered plan within the budgets. Deterministic: the oldest pods first
/// (they have been broken longest), then namespace/name, so every replica and every test sees one order.
/// Per controller it counts as the DaemonSet controller's rolling update does: an unmanaged pod that is not
/// available goes at once without using the controller's allowance (it lowers no availability); an available
/// one only while the controller's unavailable pods, restarts in flight included, stay below the allowance.
/// </summary>
public static class RestartPlanner
{
    /// <param name="unmanaged">Pods the detector flagged.</param>
    /// <param name="room">Unavailable pods per controller and restarts in flight, before this cycle.</param>
    /// <param name="owners">Known controllers by UID, for their allowances.</param>
    /// <param name="lastRestarts">Last restart (or dry-run report) per pod key namespace/name.</param>
    /// <param name="budget">The budget.</param>
    /// <param name="now">The current time.</param>
    /// <param name="holds">Refused evictions and paused nodes from the ledger (none when null).</param>
    public static IReadOnlyList<RestartStep> Plan(
        IEnumerable<PodFacts> unmanaged,
        RestartRoom room,
        IReadOnlyDictionary<string, WorkloadOwner> owners,
        IReadOnlyDictionary<string, DateTimeOffset> lastRestarts,
        RestartBudget budget,
        DateTimeOffset now,
        RestartHolds? holds = null)
    {
        ArgumentNullException.ThrowIfNull(unmanaged);
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(owners);
        ArgumentNullException.ThrowIfNull(lastRestarts);
        ArgumentNullException.ThrowIfNull(budget);

        var ordered = unmanaged
            .OrderBy(p => p.StartTime ?? DateTimeOffset.MaxValue)
            .ThenBy(p => p.Namespace, StringComparer.Ordinal)
            .ThenBy(p => p.Name, StringComparer.Ordinal);
        var unavailable = new Dictionary<string, int>(room.UnavailableByOwner, StringComparer.Ordinal);
        var acting = 0;
        var steps = new List<RestartStep>();
        foreach (var pod in ordered)
        {
            var step = Decide(pod, unavailable, owners, lastRestarts, holds ?? RestartHolds.None, budget, room.InFlight + acting, acting, now);
            if (step.Acts)
            {
                acting++;
                if (RestartRoom.IsAvailable(pod))
                {
                    unavailable[pod.Owner!.Uid] = unavailable.GetValueOrDefault(pod.Owner!.Uid) + 1;
                }
            }

            steps.Add(step);
        }

        return steps;
    }

    private static RestartStep Decide(
        PodFacts pod,
        Dictionary<string, int> unavailable,
        IReadOnlyDictionary<string, WorkloadOwner> owners,
        IReadOnlyDictionary<string, DateTimeOffset> lastRestarts,
        RestartHolds holds,
        RestartBudget budget,
        int inFlight,
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

        if (pod.NodeName is { } node && holds.PausedNodes.TryGetValue(node, out var paused))
        {
            return new(pod, RestartDecision.SkipNodePaused, paused);
        }

        if (RestartRoom.IsAvailable(pod))
        {
            var allowance = budget.PerController.For(owner, owners);
            var down = unavailable.GetValueOrDefault(owner.Uid);
            if (down >= allowance)
            {
                return new(pod, RestartDecision.SkipOwnerInFlight,
                    string.Create(CultureInfo.InvariantCulture, $"{down} pods of {owner.Kind}/{owner.Name} are unavailable or restarting; it allows {allowance} at once"));
            }
        }

        if (inFlight >= budget.MaxRestartsInFlight)
        {
            return new(pod, RestartDecision.SkipGlobalCap,
                string.Create(CultureInfo.InvariantCulture, $"{budget.MaxRestartsInFlight} restarts already in flight across the cluster"));
        }

        if (acting >= budget.MaxRestartsPerCycle)
        {
            return new(pod, RestartDecision.SkipCycleBudget,
                string.Create(CultureInfo.InvariantCulture, $"{budget.MaxRestartsPerCycle} restarts per cycle already planned"));
        }

        if (budget.DryRun)
        {
            return new(pod, RestartDecision.WouldRestart, "dry run");
        }

        // Deleting skips only the PodDisruptionBudget: the controller's allowance and the caps above still hold.
        return budget.EscalateBlockedAfter is { } escalateAfter && holds.Blocked.TryGetValue(pod.Uid, out var blocked) && blocked.For(now) >= escalateAfter
            ? new(pod, RestartDecision.DeleteBlocked,
                string.Create(CultureInfo.InvariantCulture, $"evictions refused for {(long)blocked.For(now).TotalSeconds}s (Reconciler:EscalateBlockedAfter {(long)escalateAfter.TotalSeconds}s): {blocked.Answer}"))
            : new(pod, RestartDecision.Restart, "unmanaged");
    }
}
