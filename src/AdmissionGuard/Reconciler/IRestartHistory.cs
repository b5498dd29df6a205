using AdmissionGuard.Core.Healing;

namespace AdmissionGuard.Reconciler;

/// <summary>The restarts recorded in the cluster by any leader, for a new leader to adopt.</summary>
internal interface IRestartHistory
{
    /// <summary>Throws when the cluster cannot be read: a leader must not act without knowing what is in flight.</summary>
    Task<IReadOnlyList<RecordedRestart>> ReadAsync(CancellationToken cancellationToken);
}
