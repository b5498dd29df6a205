using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// How much room each controller has for another restart, counted as the DaemonSet controller's rolling update counts
/// (<c>pkg/controller/daemon/update.go</c>): its unavailable pods are its restarts in flight plus its other pods that
/// are not available (not Ready, or terminating), replacements of those restarts aside.
/// </summary>
/// <param name="UnavailableByOwner">Unavailable pods per controller UID.</param>
/// <param name="InFlight">Restarts in flight across all controllers.</param>
public sealed record RestartRoom(IReadOnlyDictionary<string, int> UnavailableByOwner, int InFlight)
{
    public static RestartRoom Empty { get; } = new(new Dictionary<string, int>(), 0);

    public static RestartRoom From(Detection detection, IReadOnlyCollection<InFlightRestart> inFlight)
    {
        ArgumentNullException.ThrowIfNull(detection);
        ArgumentNullException.ThrowIfNull(inFlight);
        var restartsByOwner = inFlight.ToLookup(r => r.Owner.Uid, StringComparer.Ordinal);
        var unavailable = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var restart in inFlight)
        {
            unavailable[restart.Owner.Uid] = unavailable.GetValueOrDefault(restart.Owner.Uid) + 1;
        }

        foreach (var pod in detection.Unavailable)
        {
            if (pod.Owner is not { } owner)
            {
                continue;
            }

            if (!PartOfARestart(pod, restartsByOwner[owner.Uid]))
            {
                unavailable[owner.Uid] = unavailable.GetValueOrDefault(owner.Uid) + 1;
            }
        }

        return new RestartRoom(unavailable, inFlight.Count);
    }

    // A loop rather than a lambda: it runs for every unavailable pod of the cluster, and allocates nothing.
    private static bool PartOfARestart(PodFacts pod, IEnumerable<InFlightRestart> restartsOfItsOwner)
    {
        foreach (var restart in restartsOfItsOwner)
        {
            if (restart.PodUid == pod.Uid || IsReplacement(restart, pod))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A pod the restart did not know, on its node for a DaemonSet: the replacement of a restart that ended is not one
    /// of a restart still in flight, and counts as unavailable on its own until it is Ready.
    /// </summary>
    private static bool IsReplacement(InFlightRestart restart, PodFacts pod) =>
        !restart.KnownPodUids.Contains(pod.Uid) && (restart.Owner.Kind != "DaemonSet" || restart.Node == pod.NodeName);

    /// <summary>A pod that lowers its controller's availability: it has one, and is not available.</summary>
    public static bool CountsAsUnavailable(PodFacts pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Owner is not null && !IsAvailable(pod);
    }

    /// <summary>Available as controllers count it: Ready and not being deleted.</summary>
    public static bool IsAvailable(PodFacts pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Ready && !pod.Terminating;
    }

    public int Unavailable(PodOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return UnavailableByOwner.GetValueOrDefault(owner.Uid);
    }
}
