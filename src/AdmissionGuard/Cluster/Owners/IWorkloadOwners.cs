using AdmissionGuard.Core.Healing;

namespace AdmissionGuard.Cluster.Owners;

/// <summary>The pods' controllers, for the reconciler's per-controller restart allowances.</summary>
internal interface IWorkloadOwners
{
    /// <summary>Every known DaemonSet, ReplicaSet, Deployment and StatefulSet by UID (empty until the caches listed).</summary>
    IReadOnlyDictionary<string, WorkloadOwner> ByUid();
}
