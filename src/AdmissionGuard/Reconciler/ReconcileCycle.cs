using System.Globalization;
using AdmissionGuard.Cluster.Owners;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Leadership;
using AdmissionGuard.Metrics;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Reconciler;

/// <summary>
/// One reconcile pass: release the gates that can go, then restart unmanaged pods within the budget. The
/// decisions are Core's; this class performs them, records Events and metrics, and remembers restarts.
/// Run by one loop at a time.
/// </summary>
internal sealed class ReconcileCycle(
    IClusterSnapshot snapshot,
    ReconcilerSettings settings,
    RestartLedger ledger,
    IPodActions actions,
    IWorkloadOwners owners,
    IPodEventRecorder events,
    IRestartHistory history,
    ILeadership leadership,
    ReconcilerMetrics metrics,
    TimeProvider time,
    ILogger<ReconcileCycle> logger)
{
    private readonly UnmanagedPodDetector _detector = new(settings.Policy, snapshot.FollowPodChanges());

    // Pods already warned about an overdue gate: one Warning per pod, not one per cycle.
    private readonly HashSet<string> _overdueWarned = new(StringComparer.Ordinal);

    // Pods reported as blocked or as not restartable (by UID) and nodes reported as paused: one Warning each while the
    // state lasts.
    private readonly HashSet<string> _blockedWarned = new(StringComparer.Ordinal);
    private readonly HashSet<string> _notRestartableWarned = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pausedWarned = new(StringComparer.Ordinal);
    private bool _detectorWasEnabled = true;

    // The leadership term whose restart history the ledger holds; 0: none read yet.
    private int _adoptedTerm;

    public async Task<CycleSummary> RunOnceAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        var (gated, released) = await ReleaseGatesAsync(now, cancellationToken);
        var (unmanaged, restarts) = await RestartUnmanagedPodsAsync(now, cancellationToken);
        metrics.ReconcileDuration.Observe(time.GetElapsedTime(started).TotalSeconds);
        ReconcilerLog.CycleDone(logger, unmanaged, restarts, gated, released);
        return new CycleSummary(unmanaged, restarts, gated, released);
    }

    private async Task<(int Gated, int Released)> ReleaseGatesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var steps = GateReleasePlanner.Plan(snapshot, settings.Policy, now);
        _overdueWarned.IntersectWith(steps.Select(s => s.Pod.Uid));
        var released = 0;
        foreach (var step in steps)
        {
            if (!StillLeading())
            {
                break;
            }

            if (step.Overdue && step.Action is GateAction.Hold or GateAction.ReleaseOverdue && _overdueWarned.Add(step.Pod.Uid))
            {
                ReconcilerLog.GateOverdue(logger, step.Pod.Namespace, step.Pod.Name, step.Detail);
                await events.RecordAsync(step.Pod, new PodEvent(PodEvent.Warning, PodEvent.SchedulingGateHeld, step.Detail), cancellationToken);
            }

            if (step.Releases && await ReleaseAsync(step, cancellationToken))
            {
                released++;
            }
        }

        // The gauges say what is left after the cycle acted, not what it found: a scrape right after a release or
        // an eviction must not report pods that are already taken care of.
        metrics.GatedPods.Set(steps.Count - released);
        return (steps.Count, released);
    }

    private async Task<bool> ReleaseAsync(GateStep step, CancellationToken cancellationToken)
    {
        var pod = step.Pod;
        var attempt = await actions.ReleaseGateAsync(pod, cancellationToken);
        switch (attempt.Result)
        {
            case GateReleaseResult.Released:
                metrics.GateReleases.WithLabels(step.Action switch
                {
                    GateAction.ReleaseNotPinned => ReconcilerMetrics.NotPinned,
                    GateAction.ReleaseOverdue => ReconcilerMetrics.MaxAge,
                    _ => ReconcilerMetrics.NodeReady,
                }).Inc();
                ReconcilerLog.GateReleased(logger, pod.Namespace, pod.Name, step.Node, step.Detail);
                await events.RecordAsync(pod, new PodEvent(PodEvent.Normal, PodEvent.SchedulingGateReleased, $"Released {WellKnown.SchedulingGate}: {step.Detail}"), cancellationToken);
                return true;
            case GateReleaseResult.Changed:
            case GateReleaseResult.AlreadyGone:
                ReconcilerLog.GateChanged(logger, pod.Namespace, pod.Name, attempt.Message);
                return false;
            default:
                ReconcilerLog.GateReleaseFailed(logger, pod.Namespace, pod.Name, attempt.Message);
                return false;
        }
    }

    private async Task<(int Unmanaged, int Restarts)> RestartUnmanagedPodsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A new term reads what earlier leaders restarted while this thread judges the pods: the API server's answer
        // then costs the cycle no wall time.
        var term = leadership.Term;
        var recorded = term == _adoptedTerm ? null : ReadRecordedRestartsAsync(cancellationToken);
        var detection = _detector.Detect(snapshot, now);
        ReportDetectorState(detection.Enabled);
        var unmanaged = detection.Unmanaged.ToDictionary(c => c.Pod.Key, StringComparer.Ordinal);
        if (!await AdoptRecordedRestartsAsync(term, recorded, detection, now))
        {
            metrics.UnmanagedPods.Set(unmanaged.Count);
            return (unmanaged.Count, 0);
        }

        ledger.Settle(detection, settings.Budget.PodCooldown, now, node => snapshot.GetNode(node)?.Agent);
        var holds = ledger.Holds(settings.Budget.MaxFailedRestartsPerNode);
        await ReportPausedNodesAsync(holds, cancellationToken);

        // Before acting: a cycle may come late enough to escalate at once, and the Warning must still come first.
        foreach (var classification in unmanaged.Values)
        {
            if (ledger.Blocked.TryGetValue(classification.Pod.Uid, out var blocked))
            {
                await ReportBlockedAsync(classification.Pod, blocked, now, cancellationToken);
            }
        }
        var room = RestartRoom.From(detection, ledger.InFlight);
        var plan = RestartPlanner.Plan(unmanaged.Values.Select(c => c.Pod), room, owners.ByUid(), ledger.LastRestarts, settings.Budget, now, holds);
        var restarts = 0;
        foreach (var step in plan)
        {
            if (!step.Acts)
            {
                ReconcilerLog.RestartSkipped(logger, step.Pod.Namespace, step.Pod.Name, step.Decision.ToString(), step.Detail);
                if (step.Decision == RestartDecision.SkipNoController && StillLeading())
                {
                    await ReportNotRestartableAsync(step, unmanaged[step.Pod.Key].Detail, cancellationToken);
                }

                continue;
            }

            if (!StillLeading())
            {
                break;
            }

            if (await RestartAsync(step, unmanaged[step.Pod.Key].Detail, detection, now, cancellationToken))
            {
                restarts++;
            }
        }

        metrics.UnmanagedPods.Set(unmanaged.Count - restarts);
        _blockedWarned.IntersectWith(ledger.Blocked.Keys);
        _notRestartableWarned.IntersectWith(unmanaged.Values.Select(c => c.Pod.Uid));
        metrics.BlockedPods.Set(ledger.Blocked.Values.Count(b => b.For(now) >= settings.BlockedAfter));
        return (unmanaged.Count, restarts);
    }

    /// <summary>
    /// Once per leadership term, before acting: adopt the restarts any leader recorded (its Events), so that a new
    /// leader counts the previous one's restarts against the same allowances and cool-downs.
    /// </summary>
    /// <param name="recorded">This term's read of them; null when the ledger already holds this term's.</param>
    /// <returns>False when the history could not be read: no restarts this cycle, the next one tries again.</returns>
    private async Task<bool> AdoptRecordedRestartsAsync(
        int term, Task<IReadOnlyList<RecordedRestart>?>? recorded, Detection detection, DateTimeOffset now)
    {
        if (recorded is null)
        {
            return true;
        }

        if (await recorded is not { } restarts)
        {
            return false;
        }

        foreach (var restart in restarts)
        {
            ledger.Adopt(restart, detection, settings.Budget.PodCooldown, now);
        }

        ReconcilerLog.HistoryAdopted(logger, restarts.Count, ledger.InFlight.Count);
        _adoptedTerm = term;
        return true;
    }

    /// <returns>Null when the history could not be read.</returns>
    private async Task<IReadOnlyList<RecordedRestart>?> ReadRecordedRestartsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await history.ReadAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever the read failed on (refused, timed out, an expired continue token, a body that is not JSON), the
            // next cycle reads again.
            ReconcilerLog.HistoryUnreadable(logger, e);
            return null;
        }
    }

    private async Task ReportPausedNodesAsync(RestartHolds holds, CancellationToken cancellationToken)
    {
        _pausedWarned.IntersectWith(holds.PausedNodes.Keys);
        metrics.PausedNodes.Set(holds.PausedNodes.Count);
        foreach (var (node, detail) in holds.PausedNodes)
        {
            if (_pausedWarned.Add(node))
            {
                ReconcilerLog.RestartsPaused(logger, node, detail);
                await events.RecordOnNodeAsync(node, new PodEvent(PodEvent.Warning, PodEvent.RestartsPaused, detail), cancellationToken);
            }
        }
    }

    private async Task<bool> RestartAsync(RestartStep step, string why, Detection detection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pod = step.Pod;
        var evict = settings.Method == RestartMethod.Evict;
        if (step.Decision == RestartDecision.WouldRestart)
        {
            ledger.RecordReport(pod, now);
            metrics.PodRestarts.WithLabels(ReconcilerMetrics.DryRun).Inc();
            ReconcilerLog.WouldRestart(logger, pod.Namespace, pod.Name, pod.NodeName, why);
            await events.RecordAsync(pod, new PodEvent(PodEvent.Normal, evict ? PodEvent.DryRunWouldEvict : PodEvent.DryRunWouldDelete,
                $"Dry run: would {(evict ? "evict" : "delete")} this pod; Cilium does not manage it: it {why}"), cancellationToken);
            return false;
        }

        if (step.Decision == RestartDecision.DeleteBlocked)
        {
            return await DeleteBlockedAsync(step, why, detection, now, cancellationToken);
        }

        var attempt = await actions.RestartAsync(pod, settings.Method, cancellationToken);
        switch (attempt.Result)
        {
            case RestartResult.Evicted or RestartResult.Deleted:
                ledger.RecordRestart(pod, detection, now);
                metrics.PodRestarts.WithLabels(attempt.Result == RestartResult.Evicted ? ReconcilerMetrics.Evicted : ReconcilerMetrics.Deleted).Inc();
                ReconcilerLog.Restarted(logger, pod.Namespace, pod.Name, pod.Uid, pod.NodeName, settings.Method.ToString(), why);
                await events.RecordAsync(pod, new PodEvent(PodEvent.Normal,
                    attempt.Result == RestartResult.Evicted ? PodEvent.UnmanagedPodEvicted : PodEvent.UnmanagedPodDeleted,
                    $"{attempt.Result} so that it restarts under Cilium: it {why}")
                { Annotations = RestartEvents.Annotations(pod) }, cancellationToken);
                return true;
            case RestartResult.BlockedByDisruptionBudget:
                await ReportRefusalAsync(pod, why, attempt.Message, now, cancellationToken);
                return false;
            case RestartResult.AlreadyGone:
                ReconcilerLog.AlreadyGone(logger, pod.Namespace, pod.Name, attempt.Message);
                return false;
            default:
                await ReportRestartFailedAsync(pod, attempt.Message, cancellationToken);
                return false;
        }
    }

    /// <summary>
    /// A refused eviction: counted and retried every cycle; the first refusal gets an Event, and a pod refused for
    /// <see cref="ReconcilerSettings.BlockedAfter"/> one Warning that says which budget blocks it and what would help.
    /// </summary>
    private async Task ReportRefusalAsync(PodFacts pod, string why, string answer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        metrics.PodRestarts.WithLabels(ReconcilerMetrics.BlockedByPdb).Inc();
        ReconcilerLog.EvictionBlocked(logger, pod.Namespace, pod.Name, answer);
        var blocked = ledger.RecordRefusal(pod, answer, now);
        if (blocked.Since == now)
        {
            await events.RecordAsync(pod, new PodEvent(PodEvent.Warning, PodEvent.EvictionBlocked,
                $"Not evicted although Cilium does not manage it ({why}): {answer}; retrying next cycle"), cancellationToken);
        }

        await ReportBlockedAsync(pod, blocked, now, cancellationToken);
    }

    /// <summary>
    /// One Warning per unmanaged pod the reconciler will not restart (a bare pod: nothing would recreate it), so that
    /// <c>kubectl describe pod</c> says why it keeps running without Cilium and what to do.
    /// </summary>
    private async Task ReportNotRestartableAsync(RestartStep step, string why, CancellationToken cancellationToken)
    {
        var pod = step.Pod;
        if (_notRestartableWarned.Add(pod.Uid))
        {
            ReconcilerLog.NotRestartable(logger, pod.Namespace, pod.Name, why, step.Detail);
            await events.RecordAsync(pod, new PodEvent(PodEvent.Warning, PodEvent.NotRestarted,
                $"Cilium does not manage this pod: it {why}. AdmissionGuard does not restart it: {step.Detail}"), cancellationToken);
        }
    }

    /// <summary>One Warning per pod once its evictions have been refused for BlockedAfter: which budget, why, what helps.</summary>
    private async Task ReportBlockedAsync(PodFacts pod, BlockedEviction blocked, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (blocked.For(now) >= settings.BlockedAfter && _blockedWarned.Add(pod.Uid))
        {
            var cause = EvictionBlock.Find(pod, snapshot.DisruptionBudgets)?.Detail ?? blocked.Answer;
            var next = settings.Budget.EscalateBlockedAfter is { } escalate
                ? string.Create(CultureInfo.InvariantCulture, $"it will be deleted instead once refused for {(long)escalate.TotalSeconds}s (Reconciler:EscalateBlockedAfter)")
                : "fix the budget, restart the pod by hand, or set Reconciler:EscalateBlockedAfter";
            var seconds = (long)blocked.For(now).TotalSeconds;
            ReconcilerLog.RestartBlocked(logger, pod.Namespace, pod.Name, seconds, cause);
            await events.RecordAsync(pod, new PodEvent(PodEvent.Warning, PodEvent.RestartBlocked,
                string.Create(CultureInfo.InvariantCulture, $"Cilium does not manage this pod and its evictions have been refused for {seconds}s: {cause}; {next}")), cancellationToken);
        }
    }

    /// <summary>Escalation: a plain delete with the UID precondition, past the budget that kept refusing the eviction.</summary>
    private async Task<bool> DeleteBlockedAsync(RestartStep step, string why, Detection detection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pod = step.Pod;
        var attempt = await actions.RestartAsync(pod, RestartMethod.Delete, cancellationToken);
        switch (attempt.Result)
        {
            case RestartResult.Deleted:
                ledger.RecordRestart(pod, detection, now);
                metrics.PodRestarts.WithLabels(ReconcilerMetrics.Escalated).Inc();
                ReconcilerLog.BlockedPodDeleted(logger, pod.Namespace, pod.Name, pod.Uid, step.Detail);
                await events.RecordAsync(pod, new PodEvent(PodEvent.Warning, PodEvent.BlockedPodDeleted,
                    $"Deleted without its PodDisruptionBudget so that it restarts under Cilium (it {why}): {step.Detail}")
                { Annotations = RestartEvents.Annotations(pod) }, cancellationToken);
                return true;
            case RestartResult.AlreadyGone:
                ReconcilerLog.AlreadyGone(logger, pod.Namespace, pod.Name, attempt.Message);
                return false;
            default:
                await ReportRestartFailedAsync(pod, attempt.Message, cancellationToken);
                return false;
        }
    }

    private async Task ReportRestartFailedAsync(PodFacts pod, string answer, CancellationToken cancellationToken)
    {
        metrics.PodRestarts.WithLabels(ReconcilerMetrics.Error).Inc();
        ReconcilerLog.RestartFailed(logger, pod.Namespace, pod.Name, answer);
        await events.RecordAsync(pod, new PodEvent(PodEvent.Warning, PodEvent.RestartFailed,
            $"Restart failed: {answer}; retrying next cycle"), cancellationToken);
    }

    private bool StillLeading()
    {
        if (leadership.IsLeader)
        {
            return true;
        }

        ReconcilerLog.LeadershipLostMidCycle(logger);
        return false;
    }

    private void ReportDetectorState(bool enabled)
    {
        if (enabled != _detectorWasEnabled)
        {
            if (enabled)
            {
                ReconcilerLog.DetectorEnabled(logger);
            }
            else
            {
                ReconcilerLog.DetectorDisabled(logger);
            }
        }

        _detectorWasEnabled = enabled;
    }
}
