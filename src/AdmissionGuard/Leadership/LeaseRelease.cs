using k8s.LeaderElection;

namespace AdmissionGuard.Leadership;

/// <summary>
/// Gives up a held Lease, as client-go's ReleaseOnCancel does; KubernetesClient's elector has no such option.
/// The holder becomes empty (not null: the C# elector would then try to create the Lease and never acquire
/// it), so a waiting replica takes over at its next retry instead of after a full lease duration.
/// </summary>
internal static class LeaseRelease
{
    /// <returns>True when this instance held the Lease and cleared it.</returns>
    public static async Task<bool> ReleaseAsync(ILock lease, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(time);
        var current = await lease.GetAsync(cancellationToken);
        if (current is null || current.HolderIdentity != lease.Identity)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        return await lease.UpdateAsync(new LeaderElectionRecord
        {
            HolderIdentity = "",
            LeaseDurationSeconds = 1,
            AcquireTime = now,
            RenewTime = now,
            LeaderTransitions = current.LeaderTransitions,
        }, cancellationToken);
    }
}
