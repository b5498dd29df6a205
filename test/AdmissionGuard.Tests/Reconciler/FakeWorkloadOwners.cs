using AdmissionGuard.Cluster.Owners;
using AdmissionGuard.Core.Healing;

namespace AdmissionGuard.Tests.Reconciler;

/// <summary>Controllers the test declares; none by default (every controller then allows one restart at a time).</summary>
internal sealed class FakeWorkloadOwners : IWorkloadOwners
{
    public Dictionary<string, WorkloadOwner> Owners { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, WorkloadOwner> ByUid() => Owners;
}
