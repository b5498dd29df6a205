using AdmissionGuard.Cluster;
using AdmissionGuard.Leadership;
using AdmissionGuard.Reconciler;

namespace AdmissionGuard.Tests.Reconciler;

internal sealed class FakeLeadership : ILeadership, IClusterCacheStatus
{
    public bool IsLeader { get; set; } = true;

    public int Term { get; set; } = 1;

    public bool Synced { get; set; } = true;
}
