using System.Globalization;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// Finds pods that run without Cilium. Stricter than Cilium's unmanaged-pod watcher: the pod must need the
/// CNI (webhook's exclusions), the node's agent must be ready (restarting on an agent-less node only loops),
/// and the CiliumEndpoint must belong to this pod's UID (a stale endpoint of a reused name does not count).
/// </summary>
/// <remarks>
/// Remembers the verdicts of its last pass. Given a feed of the pods whose facts or CiliumEndpoint changed
/// (<see cref="IClusterSnapshot.FollowPodChanges"/>), a pass judges again only those and the unsettled pods (verdicts that
/// may turn with the clock or the node), so that a cycle at 50,000 pods costs what changed, not what exists. Without a
/// feed every pass judges every pod. Not thread-safe: one detector per loop.
/// </remarks>
public sealed class UnmanagedPodDetector(HealingPolicy policy, IPodChangeFeed? changes = null)
{
    private readonly Dictionary<PodName, PodClassification> _verdicts = [];

    // Pods whose verdict depends on more than their own facts and CiliumEndpoint: on the clock (too young) or on their
    // node (tainted, unknown, agent not ready; and unmanaged, which holds only while the node's agent is ready). The feed
    // does not name a pod when these change, so they are judged again on every pass. Every unmanaged pod is among them.
    private readonly HashSet<PodName> _unsettled = [];

    // The pods RestartRoom counts, kept with the verdicts so that a cycle does not walk every pod to find them. Whether a
    // pod counts depends on its facts alone, which the feed names when they change.
    private readonly Dictionary<PodName, PodFacts> _unavailable = [];

    // Reused by every pass: the pods to judge again.
    private readonly HashSet<PodName> _due = [];

    // Most pods are managed, and their verdicts are kept: one detail per endpoint state (a handful), not one per pod.
    private readonly Dictionary<string, string> _managedDetails = new(StringComparer.Ordinal);

    // Whether _verdicts holds every pod as of the last pass, so that the feed's changes bring it up to date.
    private bool _remembersEveryPod;

    public Detection Detect(IClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);

        // Taken before the snapshot is read: a change that lands after this is seen now and named again next pass.
        var changed = changes?.TakeChanged();
        if (!snapshot.EndpointsAvailable)
        {
            _verdicts.Clear();
            _unsettled.Clear();
            _unavailable.Clear();
            _remembersEveryPod = false;
            return Detection.Disabled;
        }

        if (changed is not null && _remembersEveryPod)
        {
            JudgeAgain(changed, snapshot, now);
        }
        else
        {
            JudgeEveryPod(snapshot, now);
        }

        var unmanaged = new List<PodClassification>();
        foreach (var name in _unsettled)
        {
            if (_verdicts[name] is { IsUnmanaged: true } classification)
            {
                unmanaged.Add(classification);
            }
        }

        return new Detection(true, _verdicts.Values, unmanaged, _unavailable.Values);
    }

    public PodClassification Classify(PodFacts pod, IClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        var (verdict, detail) = Verdict(pod, snapshot, now);
        return new PodClassification(pod, verdict, detail);
    }

    private void JudgeEveryPod(IClusterSnapshot snapshot, DateTimeOffset now)
    {
        _verdicts.Clear();
        _unsettled.Clear();
        _unavailable.Clear();

        // At once: grown pod by pod, 50,000 verdicts leave ~3 MB of outgrown arrays on the large-object heap.
        _verdicts.EnsureCapacity(snapshot.PodCount);
        foreach (var pod in snapshot.Pods)
        {
            Remember(new PodName(pod.Namespace, pod.Name), Classify(pod, snapshot, now));
        }

        _remembersEveryPod = changes is not null;
    }

    private void JudgeAgain(IReadOnlyCollection<PodName> changed, IClusterSnapshot snapshot, DateTimeOffset now)
    {
        _due.Clear();
        _due.UnionWith(changed);
        _due.UnionWith(_unsettled);
        foreach (var name in _due)
        {
            if (snapshot.GetPod(name.Namespace, name.Name) is { } pod)
            {
                Remember(name, Classify(pod, snapshot, now));
            }
            else
            {
                _verdicts.Remove(name);
                _unsettled.Remove(name);
                _unavailable.Remove(name);
            }
        }
    }

    private void Remember(PodName name, PodClassification classification)
    {
        _verdicts[name] = classification;
        if (!DependsOnPodAndEndpointOnly(classification.Verdict))
        {
            _unsettled.Add(name);
        }
        else if (_unsettled.Count > 0)
        {
            // Skipped on a first pass, when it is empty: the look-up would hash 50,000 names for nothing.
            _unsettled.Remove(name);
        }

        if (RestartRoom.CountsAsUnavailable(classification.Pod))
        {
            _unavailable[name] = classification.Pod;
        }
        else if (_unavailable.Count > 0)
        {
            _unavailable.Remove(name);
        }
    }

    private static bool DependsOnPodAndEndpointOnly(PodVerdict verdict) => verdict is PodVerdict.HostNetwork or PodVerdict.MirrorPod
        or PodVerdict.OptedOut or PodVerdict.ExcludedNamespace or PodVerdict.ExcludedBySelector or PodVerdict.NotRunning
        or PodVerdict.Terminating or PodVerdict.Managed;

    private (PodVerdict Verdict, string Detail) Verdict(PodFacts pod, IClusterSnapshot snapshot, DateTimeOffset now)
    {
        var need = CniRequirement.Evaluate(pod, policy.Exclusions);
        if (need != CniNeed.Needed)
        {
            return need switch
            {
                CniNeed.HostNetwork => (PodVerdict.HostNetwork, "uses the host network"),
                CniNeed.MirrorPod => (PodVerdict.MirrorPod, "is a static (mirror) pod"),
                CniNeed.OptedOut => (PodVerdict.OptedOut, $"has {WellKnown.IgnoreLabel}=true"),
                CniNeed.ExcludedNamespace => (PodVerdict.ExcludedNamespace, $"namespace {pod.Namespace} is excluded"),
                _ => (PodVerdict.ExcludedBySelector, "matches the excluded pod selector"),
            };
        }

        if (pod.Phase != "Running" || pod.NodeName is null)
        {
            return (PodVerdict.NotRunning, $"phase is {(pod.Phase.Length == 0 ? "unknown" : pod.Phase)}");
        }

        if (pod.Terminating)
        {
            return (PodVerdict.Terminating, "is being deleted");
        }

        // An endpoint owned by this very pod means Cilium manages it, however young it is. Deciding this before
        // the age check matters: the restart ledger frees a controller for its next restart once the replacement
        // is managed, and waiting out MinPodAge there would cap healing at one pod per MinPodAge per controller.
        var endpoint = snapshot.GetEndpoint(pod.Namespace, pod.Name);
        if (endpoint is not null && endpoint.OwnerPodUid == pod.Uid)
        {
            return (PodVerdict.Managed, ManagedDetail(endpoint.State));
        }

        if (pod.StartTime is not { } started)
        {
            return (PodVerdict.TooYoung, "has no start time yet");
        }

        if (now - started < policy.MinPodAge)
        {
            return (PodVerdict.TooYoung, $"started {Seconds(now - started)} ago, less than {Seconds(policy.MinPodAge)}");
        }

        var node = snapshot.GetNode(pod.NodeName);
        switch (NodeReadiness.Evaluate(node, policy.TaintKeys))
        {
            case NodeReadinessState.Unknown:
                return (PodVerdict.NodeUnknown, $"node {pod.NodeName} is not known");
            case NodeReadinessState.Tainted:
                return (PodVerdict.NodeTainted, $"node {pod.NodeName} still has taint {node!.FindTaint(policy.TaintKeys)}");
            case NodeReadinessState.AgentNotReady:
                return (PodVerdict.AgentNotReady, $"the Cilium agent on node {pod.NodeName} is not ready");
            case NodeReadinessState.AgentUnknown:
                return (PodVerdict.AgentNotReady, $"no Cilium agent pod is known on node {pod.NodeName}");
        }

        return endpoint is null
            ? (PodVerdict.NoEndpoint, "has no CiliumEndpoint")
            : (PodVerdict.StaleEndpoint, $"its CiliumEndpoint belongs to an earlier pod (uid {endpoint.OwnerPodUid})");
    }

    private string ManagedDetail(string state)
    {
        if (!_managedDetails.TryGetValue(state, out var detail))
        {
            detail = _managedDetails[state] = $"CiliumEndpoint is {(state.Length == 0 ? "present" : state)}";
        }

        return detail;
    }

    private static string Seconds(TimeSpan span) =>
        string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds}s");
}
