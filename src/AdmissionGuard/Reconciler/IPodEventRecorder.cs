using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Reconciler;

/// <summary>Records Kubernetes Events on pods. Best effort: a failure is logged, never thrown.</summary>
internal interface IPodEventRecorder
{
    Task RecordAsync(PodFacts pod, PodEvent podEvent, CancellationToken cancellationToken);
}
