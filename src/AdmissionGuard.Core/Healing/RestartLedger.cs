using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// What the reconciler remembers between cycles: when each pod was last restarted (for the cool-down) and which
/// restarts are in flight (by restarted pod UID). Owned by the single reconcile loop; not thread-safe.
/// </summary>
public sealed class RestartLedger
{
    private readonly Dictionary<string, DateTimeOffset> _lastRestarts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InFlightRestart> _inFlight = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, DateTimeOffset> LastRestarts => _lastRestarts;

    public IReadOnlyCollection<InFlightRestart> InFlight => _inFlight.Values;

    /// <summary>A restart was started: cool the pod down and count it against its owner until a replacement is managed.</summary>
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
            _inFlight[pod.Uid] = new InFlightRestart(owner, pod.Key, pod.Uid, pod.NodeName, known, at);
        }
    }

    /// <summary>A restart a previous leader started (read back from the cluster): remember it as if this replica had.</summary>
    public void Adopt(InFlightRestart restart)
    {
        ArgumentNullException.ThrowIfNull(restart);
        _inFlight.TryAdd(restart.PodUid, restart);
        if (!_lastRestarts.TryGetValue(restart.PodKey, out var last) || last < restart.At)
        {
            _lastRestarts[restart.PodKey] = restart.At;
        }
    }

    /// <summary>A dry run reported the pod: cool it down so it is reported once per cool-down, not every cycle.</summary>
    public void RecordReport(PodFacts pod, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(pod);
        _lastRestarts[pod.Key] = at;
    }

    /// <summary>
    /// Ends the restarts that are over: the restarted pod is gone and a new pod of its owner (on the same node, for a
    /// DaemonSet) runs managed, each replacement ending one restart; or the owner has no pods left; or the cool-down
    /// passed without either (a scale-down never replaces). Forgets cool-downs that ended.
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
            .Where(c => c.Pod.Owner is not null)
            .ToLookup(c => c.Pod.Owner!.Uid, StringComparer.Ordinal);
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var restart in _inFlight.Values.OrderBy(r => r.At).ToList())
        {
            var ownerPods = podsByOwner[restart.Owner.Uid].ToList();
            if (now - restart.At >= cooldown || ownerPods.Count == 0 || IsOver(restart, ownerPods, claimed))
            {
                _inFlight.Remove(restart.PodUid);
            }
        }
    }

    private static bool IsOver(InFlightRestart restart, List<PodClassification> ownerPods, HashSet<string> claimed)
    {
        if (ownerPods.Exists(c => c.Pod.Uid == restart.PodUid))
        {
            return false;
        }

        var replacement = ownerPods.Find(c =>
            c.Verdict == PodVerdict.Managed
            && !restart.KnownPodUids.Contains(c.Pod.Uid)
            && !claimed.Contains(c.Pod.Uid)
            && (restart.Owner.Kind != "DaemonSet" || c.Pod.NodeName == restart.Node));
        return replacement is not null && claimed.Add(replacement.Pod.Uid);
    }
}
