namespace AdmissionGuard.Core.Cluster;

/// <summary>A coordination.k8s.io/v1 Lease, reduced to what says whether its holder is alive.</summary>
/// <param name="Holder">spec.holderIdentity; empty once the leader released it.</param>
/// <param name="RenewTime">spec.renewTime: when the holder last renewed it.</param>
/// <param name="Duration">spec.leaseDurationSeconds: how long a renewal holds.</param>
public sealed record LeaseFacts(string Namespace, string Name, string Holder, DateTimeOffset? RenewTime, TimeSpan? Duration)
{
    /// <summary>Someone holds the Lease and renewed it recently enough that it has not expired at <paramref name="now"/>.</summary>
    public bool IsHeldAt(DateTimeOffset now) =>
        Holder.Length > 0 && RenewTime is { } renewed && Duration is { } duration && renewed + duration > now;
}
