using System.Globalization;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// What the reconciler remembers between cycles: when each pod was last restarted (for the cool-down), which
/// restarts are in flight (by restarted pod UID), whose evictions are being refused, and on which nodes restarts came
/// back unmanaged. Owned by the single reconcile loop; not thread-safe.
/// </summary>
public sealed class RestartLedger
{
    private readonly Dictionary<string, DateTimeOffset> _lastRestarts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InFlightRestart> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BlockedEviction> _blocked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FailedRestarts> _failedByNode = new(StringComparer.Ordinal);

    // The pods of each controller in the detection last asked about: a cycle settles and records many restarts against
    // one detection, and each would otherwise walk every pod of the cluster (~5 ms per restart at 50,000 pods).
    private (Detection Detection, ILookup<string, PodClassification> Pods)? _podsByOwner;

    public IReadOnlyDictionary<string, DateTimeOffset> LastRestarts => _lastRestarts;

    public IReadOnlyCollection<InFlightRestart> InFlight => _inFlight.Values;

    /// <summary>Pods whose evictions are being refused, by pod UID.</summary>
    public IReadOnlyDictionary<string, BlockedEviction> Blocked => _blocked;

    /// <summary>The API server refused to evict the pod; the first refusal in a row dates the block.</summary>
    public BlockedEviction RecordRefusal(PodFacts pod, string answer, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var since = _blocked.TryGetValue(pod.Uid, out var earlier) ? earlier.Since : at;
        return _blocked[pod.Uid] = new BlockedEviction(since, answer);
    }

    /// <summary>What the planner must hold back or escalate: refused evictions, and nodes with too many failed restarts.</summary>
    public RestartHolds Holds(int maxFailedRestartsPerNode) => new(
        _blocked,
        _failedByNode
            .Where(f => f.Value.Count >= maxFailedRestartsPerNode)
            .ToDictionary(
                f => f.Key,
                f => string.Create(CultureInfo.InvariantCulture,
                    $"{f.Value.Count} restarts on node {f.Key} came back without a CiliumEndpoint: Cilium seems broken there; restarts resume when its agent pod changes"),
                StringComparer.Ordinal));

    /// <summary>A restart was started: cool the pod down and count it against its owner until a replacement is managed.</summary>
    /// <param name="pod">The restarted pod.</param>
    /// <param name="detection">The detection the plan came from: tells which pods the owner has now.</param>
    /// <param name="at">When.</param>
    public void RecordRestart(PodFacts pod, Detection detection, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(detection);
        _lastRestarts[pod.Key] = at;
        _blocked.Remove(pod.Uid);
        if (pod.Owner is { } owner)
        {
            var known = Siblings(owner, pod.NodeName, detection)
                .Select(c => c.Pod.Uid)
                .Append(pod.Uid)
                .ToHashSet(StringComparer.Ordinal);
            _inFlight[pod.Uid] = new InFlightRestart(owner, pod.Key, pod.Uid, pod.NodeName, known, at);
        }
    }

    /// <summary>
    /// A restart a previous leader started (read back from the cluster): remember it as if this replica had, so that a
    /// new leader neither exceeds an owner's allowance nor restarts a pod inside its cool-down. The owner's pods
    /// created before the restart's second are the ones it knew; any later one is a replacement. Restarts older than the
    /// cool-down are over whatever happened.
    /// </summary>
    public void Adopt(RecordedRestart restart, Detection detection, TimeSpan cooldown, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(restart);
        ArgumentNullException.ThrowIfNull(detection);
        if (now - restart.At >= cooldown)
        {
            return;
        }

        if (!_lastRestarts.TryGetValue(restart.PodKey, out var last) || last < restart.At)
        {
            _lastRestarts[restart.PodKey] = restart.At;
        }

        // creationTimestamp has whole seconds: a pod created in the second of the restart may be its replacement.
        var second = restart.At.AddTicks(-(restart.At.UtcTicks % TimeSpan.TicksPerSecond));
        var known = Siblings(restart.Owner, restart.Node, detection)
            .Where(c => c.Pod.CreationTime is { } created && created < second)
            .Select(c => c.Pod.Uid)
            .Append(restart.PodUid)
            .ToHashSet(StringComparer.Ordinal);
        _inFlight.TryAdd(restart.PodUid, new InFlightRestart(restart.Owner, restart.PodKey, restart.PodUid, restart.Node, known, restart.At));
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
    /// passed without either (a scale-down never replaces). A replacement that runs unmanaged ends its restart as a
    /// failure of the replacement's node. Forgets cool-downs that ended, refusals of pods no longer unmanaged, and
    /// failures of nodes whose agent pod changed since.
    /// </summary>
    /// <param name="detection">This cycle's detection.</param>
    /// <param name="cooldown">How long a restart may stay in flight.</param>
    /// <param name="now">The current time.</param>
    /// <param name="agentOf">The UID of a node's Cilium agent pod (null when none is known).</param>
    public void Settle(Detection detection, TimeSpan cooldown, DateTimeOffset now, Func<string, string?>? agentOf = null)
    {
        ArgumentNullException.ThrowIfNull(detection);
        agentOf ??= _ => null;
        var unmanaged = detection.Unmanaged.Select(c => c.Pod.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var uid in _blocked.Keys.Where(uid => !unmanaged.Contains(uid)).ToList())
        {
            _blocked.Remove(uid);
        }

        foreach (var (node, failed) in _failedByNode.Where(f => f.Value.AgentUid != agentOf(f.Key)).ToList())
        {
            _failedByNode.Remove(node);
        }

        foreach (var (key, at) in _lastRestarts.ToList())
        {
            if (now - at >= cooldown)
            {
                _lastRestarts.Remove(key);
            }
        }

        if (_inFlight.Count == 0)
        {
            // Nothing to settle: the index of the last detection (a few MB at 50,000 pods) need not outlive its cycle.
            _podsByOwner = null;
            return;
        }

        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var restart in _inFlight.Values.OrderBy(r => r.At).ToList())
        {
            var ownerPods = PodsOf(restart.Owner.Uid, detection).ToList();
            if (now - restart.At >= cooldown || ownerPods.Count == 0 || IsOver(restart, ownerPods, claimed, agentOf))
            {
                _inFlight.Remove(restart.PodUid);
            }
        }
    }

    // The pods a replacement must not be mistaken for: the owner's, and of a DaemonSet only those on the node, the one
    // place its replacement is looked for (a DaemonSet on 5,000 nodes would otherwise copy 5,000 UIDs per restart).
    private IEnumerable<PodClassification> Siblings(PodOwner owner, string? node, Detection detection) =>
        PodsOf(owner.Uid, detection).Where(c => owner.Kind != "DaemonSet" || c.Pod.NodeName == node);

    private IEnumerable<PodClassification> PodsOf(string ownerUid, Detection detection)
    {
        if (_podsByOwner is not { } index || !ReferenceEquals(index.Detection, detection))
        {
            index = (detection, detection.Pods.Where(c => c.Pod.Owner is not null).ToLookup(c => c.Pod.Owner!.Uid, StringComparer.Ordinal));
            _podsByOwner = index;
        }

        return index.Pods[ownerUid];
    }

    private bool IsOver(InFlightRestart restart, List<PodClassification> ownerPods, HashSet<string> claimed, Func<string, string?> agentOf)
    {
        if (ownerPods.Exists(c => c.Pod.Uid == restart.PodUid))
        {
            return false;
        }

        var replacement = ownerPods.Find(c =>
            (c.Verdict == PodVerdict.Managed || c.IsUnmanaged)
            && !restart.KnownPodUids.Contains(c.Pod.Uid)
            && !claimed.Contains(c.Pod.Uid)
            && (restart.Owner.Kind != "DaemonSet" || c.Pod.NodeName == restart.Node));
        if (replacement is null || !claimed.Add(replacement.Pod.Uid))
        {
            return false;
        }

        if (replacement.IsUnmanaged && replacement.Pod.NodeName is { } node)
        {
            var agent = agentOf(node);
            var before = _failedByNode.TryGetValue(node, out var failed) && failed.AgentUid == agent ? failed.Count : 0;
            _failedByNode[node] = new FailedRestarts(before + 1, agent);
        }

        return true;
    }

    /// <summary>Restarts on a node whose replacements came up unmanaged while its agent pod was <paramref name="AgentUid"/>.</summary>
    private sealed record FailedRestarts(int Count, string? AgentUid);
}
