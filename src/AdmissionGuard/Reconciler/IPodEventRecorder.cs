using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Reconciler;

/// <summary>Records Kubernetes Events on pods and nodes. Best effort: a failure is logged, never thrown.</summary>
internal interface IPodEventRecorder
{
    Task RecordAsync(PodFacts pod, PodEvent podEvent, CancellationToken cancellationToken);

    /// <summary>An Event on a node (in namespace <c>default</c>, as the kubelet records node events).</summary>
    Task RecordOnNodeAsync(string node, PodEvent nodeEvent, CancellationToken cancellationToken);
}
