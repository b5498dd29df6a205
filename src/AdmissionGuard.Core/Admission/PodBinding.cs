using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Admission;

/// <summary>
/// A <c>pods/binding</c> CREATE: the scheduler placing pod <paramref name="PodName"/> on <paramref name="NodeName"/>.
/// <paramref name="PodUid"/> is the Binding's <c>metadata.uid</c> (kube-scheduler always sets it); empty when absent.
/// </summary>
public sealed record PodBinding(string Namespace, string PodName, string NodeName, string PodUid = "")
{
    /// <summary>
    /// True when <paramref name="pod"/> is the pod being bound. A pod deleted and recreated under the same name has a
    /// new UID, so a cached pod with another UID is a different pod (the cache has not caught up yet).
    /// </summary>
    public bool IsFor(PodFacts pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Namespace == Namespace && pod.Name == PodName && (PodUid.Length == 0 || pod.Uid == PodUid);
    }
}
