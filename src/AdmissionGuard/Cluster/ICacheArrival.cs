using AdmissionGuard.Core.Admission;

namespace AdmissionGuard.Cluster;

/// <summary>
/// Waits for the watch-fed caches to deliver an object an admission request names but the cache has not seen yet.
/// Controllers act milliseconds after the object they act on appears (a scheduler binds right after the pod's
/// CREATE; a DaemonSet controller creates a pod right after its node registers), often before that watch event
/// reaches this replica. Waiting for it, instead of asking the API server, lets admission decide on the object
/// rather than fail open.
/// </summary>
internal interface ICacheArrival
{
    /// <summary>
    /// Completes with true as soon as the cache holds the pod <paramref name="binding"/> is for, with its uid (at
    /// once when it already does), with false when <paramref name="timeout"/> passes first.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<bool> WaitForPodAsync(PodBinding binding, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The same for the node a pod is bound or pinned to.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<bool> WaitForNodeAsync(string name, TimeSpan timeout, CancellationToken cancellationToken);
}
