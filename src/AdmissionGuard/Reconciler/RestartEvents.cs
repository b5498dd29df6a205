using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using k8s.Models;

namespace AdmissionGuard.Reconciler;

/// <summary>
/// The Events the reconciler records on the pods it restarts double as its memory across leaders: each carries the
/// pod's controller and node in annotations, and a new leader reads them back (<see cref="KubernetesRestartHistory"/>)
/// to rebuild restarts in flight and cool-downs instead of starting from nothing.
/// </summary>
internal static class RestartEvents
{
    public const string OwnerAnnotation = "admissionguard.io/restarted-pod-owner";
    public const string NodeAnnotation = "admissionguard.io/restarted-pod-node";

    private static readonly HashSet<string> Reasons = new(StringComparer.Ordinal)
    {
        PodEvent.UnmanagedPodEvicted, PodEvent.UnmanagedPodDeleted, PodEvent.BlockedPodDeleted,
    };

    /// <summary>The annotations of a restart Event: the controller as Kind/Name/UID, and the node.</summary>
    public static IReadOnlyDictionary<string, string> Annotations(PodFacts pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (pod.Owner is { } owner)
        {
            annotations[OwnerAnnotation] = $"{owner.Kind}/{owner.Name}/{owner.Uid}";
        }

        if (pod.NodeName is { } node)
        {
            annotations[NodeAnnotation] = node;
        }

        return annotations;
    }

    /// <summary>The restart an Event records, or null when it records none (another reason, no owner, hand-made).</summary>
    public static RecordedRestart? Read(Corev1Event recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var annotations = recorded.Metadata?.Annotations;
        var pod = recorded.InvolvedObject;
        if (!Reasons.Contains(recorded.Reason ?? "") || pod?.Kind != "Pod" || string.IsNullOrEmpty(pod.Uid)
            || annotations is null || !annotations.TryGetValue(OwnerAnnotation, out var owner)
            || owner.Split('/') is not [var kind, var name, var uid] || uid.Length == 0
            || (recorded.FirstTimestamp ?? recorded.EventTime ?? recorded.Metadata?.CreationTimestamp) is not { } at)
        {
            return null;
        }

        return new RecordedRestart(
            new PodOwner(kind, name, uid),
            $"{pod.NamespaceProperty}/{pod.Name}",
            pod.Uid,
            annotations.TryGetValue(NodeAnnotation, out var node) ? node : null,
            new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)));
    }
}
