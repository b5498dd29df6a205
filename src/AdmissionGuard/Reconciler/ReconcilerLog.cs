using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Reconciler;

/// <summary>Reconciler log messages. Event ids 5000-5099 (issue 5).</summary>
internal static partial class ReconcilerLog
{
    [LoggerMessage(5000, LogLevel.Information, "Restarted unmanaged pod {Namespace}/{Pod} (uid {Uid}) on node {Node} by {Method}: it {Detail}")]
    public static partial void Restarted(ILogger logger, string @namespace, string pod, string uid, string? node, string method, string detail);

    [LoggerMessage(5001, LogLevel.Information, "Dry run: would restart unmanaged pod {Namespace}/{Pod} on node {Node}: it {Detail}")]
    public static partial void WouldRestart(ILogger logger, string @namespace, string pod, string? node, string detail);

    [LoggerMessage(5002, LogLevel.Warning, "Eviction of {Namespace}/{Pod} blocked by a PodDisruptionBudget, retrying next cycle: {Message}")]
    public static partial void EvictionBlocked(ILogger logger, string @namespace, string pod, string message);

    [LoggerMessage(5003, LogLevel.Warning, "Restart of {Namespace}/{Pod} failed: {Message}")]
    public static partial void RestartFailed(ILogger logger, string @namespace, string pod, string message);

    [LoggerMessage(5004, LogLevel.Debug, "Pod {Namespace}/{Pod} was already gone: {Message}")]
    public static partial void AlreadyGone(ILogger logger, string @namespace, string pod, string message);

    [LoggerMessage(5005, LogLevel.Debug, "Not restarting {Namespace}/{Pod}: {Decision}, {Detail}")]
    public static partial void RestartSkipped(ILogger logger, string @namespace, string pod, string decision, string detail);

    [LoggerMessage(5010, LogLevel.Information, "Released scheduling gate of {Namespace}/{Pod} (node {Node}): {Detail}")]
    public static partial void GateReleased(ILogger logger, string @namespace, string pod, string? node, string detail);

    [LoggerMessage(5011, LogLevel.Warning, "Scheduling gate of {Namespace}/{Pod} held too long: {Detail}")]
    public static partial void GateOverdue(ILogger logger, string @namespace, string pod, string detail);

    [LoggerMessage(5012, LogLevel.Debug, "Gate of {Namespace}/{Pod} changed since the snapshot, looking again next cycle: {Message}")]
    public static partial void GateChanged(ILogger logger, string @namespace, string pod, string message);

    [LoggerMessage(5013, LogLevel.Warning, "Releasing the gate of {Namespace}/{Pod} failed: {Message}")]
    public static partial void GateReleaseFailed(ILogger logger, string @namespace, string pod, string message);

    [LoggerMessage(5020, LogLevel.Warning, "The cluster serves no CiliumEndpoints: unmanaged-pod detection is off until it does")]
    public static partial void DetectorDisabled(ILogger logger);

    [LoggerMessage(5021, LogLevel.Information, "CiliumEndpoints are served again: unmanaged-pod detection is on")]
    public static partial void DetectorEnabled(ILogger logger);

    [LoggerMessage(5022, LogLevel.Debug, "Reconcile cycle: {Unmanaged} unmanaged, {Restarts} restarts, {Gated} gated, {Released} released")]
    public static partial void CycleDone(ILogger logger, int unmanaged, int restarts, int gated, int released);

    [LoggerMessage(5023, LogLevel.Error, "Reconcile cycle failed; the next one runs at the next interval")]
    public static partial void CycleFailed(ILogger logger, Exception exception);

    [LoggerMessage(5024, LogLevel.Information, "Waiting for the cluster caches to sync before reconciling")]
    public static partial void WaitingForCaches(ILogger logger);

    [LoggerMessage(5025, LogLevel.Information, "Lost leadership during a cycle: the rest of the cycle is skipped")]
    public static partial void LeadershipLostMidCycle(ILogger logger);

    [LoggerMessage(5030, LogLevel.Warning, "Could not record event {Reason} on {Namespace}/{Pod}")]
    public static partial void EventNotRecorded(ILogger logger, Exception exception, string reason, string @namespace, string pod);

    [LoggerMessage(5031, LogLevel.Debug, "Event {Reason} on {Namespace}/{Name} not recorded again within the throttle window")]
    public static partial void EventThrottled(ILogger logger, string reason, string @namespace, string name);

    [LoggerMessage(5006, LogLevel.Warning, "Evictions of {Namespace}/{Pod} refused for {Seconds}s: {Detail}")]
    public static partial void RestartBlocked(ILogger logger, string @namespace, string pod, long seconds, string detail);

    [LoggerMessage(5007, LogLevel.Warning, "Deleted {Namespace}/{Pod} (uid {Uid}) whose evictions were refused: {Detail}")]
    public static partial void BlockedPodDeleted(ILogger logger, string @namespace, string pod, string uid, string detail);

    [LoggerMessage(5009, LogLevel.Warning, "Could not read the recorded restarts (Events) of earlier leaders; restarting nothing until they can be read")]
    public static partial void HistoryUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(5014, LogLevel.Information, "New leadership term: read {Recorded} recorded restarts, {InFlight} still in flight")]
    public static partial void HistoryAdopted(ILogger logger, int recorded, int inFlight);

    [LoggerMessage(5015, LogLevel.Warning, "Not restarting {Namespace}/{Pod}, which Cilium does not manage ({Why}): {Detail}")]
    public static partial void NotRestartable(ILogger logger, string @namespace, string pod, string why, string detail);

    [LoggerMessage(5008, LogLevel.Warning, "Restarts paused on node {Node}: {Detail}")]
    public static partial void RestartsPaused(ILogger logger, string node, string detail);
}
