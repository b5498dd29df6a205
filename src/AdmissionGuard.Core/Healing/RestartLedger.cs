using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// What the reconciler remembers between cycles: when each pod was last restarted (for the cool-down) and
/// which controllers have a restart in flight. Owned by the single reconcile loop; not thread-safe.
/// </summary>
public sealed class RestartLedger
{
    private readonly Dictionary<string, DateTimeOffset> _lastRestarts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InFlightRestart> _inFlight = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, DateTimeOffset> LastRestarts => _lastRestarts;

    public IReadOnlyCollection<InFlightRestart> InFlight => _inFlight.Values;

    public IReadOnlySet<string> OwnersInFlight => _inFlight.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>A restart was started: cool the pod down and hold its owner until a replacement is managed.</summary>
    /// <param name="pod">The restarted pod.</param>
    /// <param name="detection">The detection the plan came from: tells which pods the owner has now.</param>
    /// <param name="at">When.</param>
    public void RecordRestart(PodFacts pod, Detection detection, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(detection);
        _lastRestarts[pod.Key] = at;
        if (pod.Owner is { } owner)
        {
            var known = detection.Pods
                .Where(c => c.Pod.Owner?.Uid == owner.Uid)
                .Select(c => c.Pod.Uid)
                .Append(pod.Uid)
                .ToHashSet(StringComparer.Ordinal);
            _inFlight[owner.Uid] = new InFlightRestart(owner, pod.Key, pod.Uid, known, at);
        }
    }

    /// <summary>A dry run reported the pod: cool it down so it is reported once per cool-down, not every cycle.</summary>
    public void RecordReport(PodFacts pod, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(pod);
        _lastRestarts[pod.Key] = at;
    }

    /// <summary>
    /// Frees owners whose restart is over: the restarted pod is gone and a new pod of the owner runs managed,
    /// or the owner has no pods left, or the cool-down passed without either (a scale-down never replaces).
    /// Forgets cool-downs that ended.
    /// </summary>
    public void Settle(Detection detection, TimeSpan cooldown, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(detection);
        foreach (var (key, at) in _lastRestarts.ToList())
        {
            if (now - at >= cooldown)
            {
                _lastRestarts.Remove(key);
            }
        }

        if (_inFlight.Count == 0)
        {
            return;
        }

        var podsByOwner = detection.Pods
            .Where(c => c.Pod.Owner is { } owner && _inFlight.ContainsKey(owner.Uid))
            .ToLookup(c => c.Pod.Owner!.Uid, StringComparer.Ordinal);
        foreach (var restart in _inFlight.Values.ToList())
        {
            if (now - restart.At >= cooldown || IsOver(restart, podsByOwner[restart.Owner.Uid].ToList()))
            {
                _inFlight.Remove(restart.Owner.Uid);
            }
        }
    }

    private static bool IsOver(InFlightRestart restart, List<PodClassification> ownerPods)
    {
        if (ownerPods.Count == 0)
        {
            return true;
        }

        var restartedPodGone = ownerPods.TrueForAll(c => c.Pod.Uid != restart.PodUid);
        var replacementManaged = ownerPods.Exists(c =>
            c.Verdict == PodVerdict.Managed && !restart.KnownPodUids.Contains(c.Pod.Uid));
        return restartedPodGone && replacementManaged;
    }
}
