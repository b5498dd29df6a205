using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Reconciler;

/// <summary>The reconciler's writes to the API server. Implementations report failures as results, never throw
/// for an API answer (only for cancellation).</summary>
internal interface IPodActions
{
    /// <summary>Evicts or deletes exactly this pod (its UID), never a same-named replacement.</summary>
    Task<RestartAttempt> RestartAsync(PodFacts pod, RestartMethod method, CancellationToken cancellationToken);

    /// <summary>Removes <c>admissionguard.io/cni-ready</c>, only if the pod's gates are still what the snapshot saw.</summary>
    Task<GateReleaseAttempt> ReleaseGateAsync(PodFacts pod, CancellationToken cancellationToken);
}
