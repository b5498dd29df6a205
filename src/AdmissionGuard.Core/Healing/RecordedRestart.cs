using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>A restart some leader started, as read back from the cluster (the Event it recorded on the pod).</summary>
/// <param name="Node">The restarted pod's node.</param>
public sealed record RecordedRestart(PodOwner Owner, string PodKey, string PodUid, string? Node, DateTimeOffset At);
