using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>A restart whose replacement pod is not running under Cilium yet.</summary>
/// <param name="Node">The restarted pod's node: a DaemonSet's replacement comes back there.</param>
/// <param name="KnownPodUids">
/// The owner's pods when the restart began (of a DaemonSet, those on <paramref name="Node"/>): any other pod of the owner
/// there is a replacement.
/// </param>
public sealed record InFlightRestart(PodOwner Owner, string PodKey, string PodUid, string? Node, IReadOnlySet<string> KnownPodUids, DateTimeOffset At);
