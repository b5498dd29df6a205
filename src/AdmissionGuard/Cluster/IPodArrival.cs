using AdmissionGuard.Core.Admission;

namespace AdmissionGuard.Cluster;

/// <summary>
/// Waits for the watch-fed pod cache to deliver the pod a binding names. A scheduler binds milliseconds after the
/// pod's CREATE, often before the watch event reaches the cache; waiting for it (instead of asking the API server)
/// lets the binding check decide on the pod rather than fail open.
/// </summary>
internal interface IPodArrival
{
    /// <summary>
    /// Completes with true as soon as the cache holds the pod <paramref name="binding"/> is for (at once when it
    /// already does), with false when <paramref name="timeout"/> passes first.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<bool> WaitForPodAsync(PodBinding binding, TimeSpan timeout, CancellationToken cancellationToken);
}
