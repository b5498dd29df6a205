using System.Globalization;
using System.Runtime.InteropServices;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// Finds pods that run without Cilium. Stricter than Cilium's unmanaged-pod watcher: the pod must need the
/// CNI (webhook's exclusions), the node's agent must be ready (restarting on an agent-less node only loops),
/// and the CiliumEndpoint must belong to this pod's UID (a stale endpoint of a reused name does not count).
/// </summary>
/// <remarks>
/// Remembers the verdicts of its last pass, so that a cycle at 50,000 pods judges again only the pods that changed:
/// the caches replace a pod's facts and an endpoint's facts with a new object on every change, and most verdicts depend
/// on nothing else (the pod alone, or the pod and its endpoint). Verdicts that depend on the time or on the node are
/// judged every pass. Not thread-safe: one detector per loop.
/// </remarks>
public sealed class UnmanagedPodDetector(HealingPolicy policy)
{
    // Keyed by the facts object itself, not its value: a pod whose facts were replaced is judged again.
    private readonly Dictionary<PodFacts, Judged> _judged = new(ReferenceEqualityComparer.Instance);
    private int _pass;

    public Detection Detect(IClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.EndpointsAvailable)
        {
            _judged.Clear();
            return Detection.Disabled;
        }

        _pass++;
        var pods = new List<PodClassification>(_judged.Count);
        foreach (var pod in snapshot.Pods)
        {
            // One look-up per pod: the entry is read, replaced when it no longer holds, and stamped with this pass.
            ref var judged = ref CollectionsMarshal.GetValueRefOrAddDefault(_judged, pod, out var known);
            if (!known || !StillHolds(judged, pod, snapshot))
            {
                judged = Judge(pod, snapshot, now);
            }

            judged = judged with { Pass = _pass };
            pods.Add(judged.Classification);
        }

        if (_judged.Count > pods.Count)
        {
            foreach (var (pod, judged) in _judged)
            {
                if (judged.Pass != _pass)
                {
                    _judged.Remove(pod);
                }
            }
        }

        return new Detection(true, pods);
    }

    public PodClassification Classify(PodFacts pod, IClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        return Judge(pod, snapshot, now).Classification;
    }

    /// <summary>Whether a verdict of the same pod facts is still right: it depends on the pod alone, or on the pod and the same endpoint.</summary>
    private static bool StillHolds(Judged earlier, PodFacts pod, IClusterSnapshot snapshot) => earlier.Classification.Verdict switch
    {
        PodVerdict.HostNetwork or PodVerdict.MirrorPod or PodVerdict.OptedOut or PodVerdict.ExcludedNamespace
            or PodVerdict.ExcludedBySelector or PodVerdict.NotRunning or PodVerdict.Terminating => true,
        PodVerdict.Managed => ReferenceEquals(snapshot.GetEndpoint(pod.Namespace, pod.Name), earlier.Endpoint),
        _ => false,
    };

    private Judged Judge(PodFacts pod, IClusterSnapshot snapshot, DateTimeOffset now)
    {
        var (verdict, detail, endpoint) = Verdict(pod, snapshot, now);
        return new Judged(new PodClassification(pod, verdict, detail), endpoint, _pass);
    }

    private (PodVerdict Verdict, string Detail, EndpointFacts? Endpoint) Verdict(PodFacts pod, IClusterSnapshot snapshot, DateTimeOffset now)
    {
        var need = CniRequirement.Evaluate(pod, policy.Exclusions);
        if (need != CniNeed.Needed)
        {
            return need switch
            {
                CniNeed.HostNetwork => (PodVerdict.HostNetwork, "uses the host network", null),
                CniNeed.MirrorPod => (PodVerdict.MirrorPod, "is a static (mirror) pod", null),
                CniNeed.OptedOut => (PodVerdict.OptedOut, $"has {WellKnown.IgnoreLabel}=true", null),
                CniNeed.ExcludedNamespace => (PodVerdict.ExcludedNamespace, $"namespace {pod.Namespace} is excluded", null),
                _ => (PodVerdict.ExcludedBySelector, "matches the excluded pod selector", null),
            };
        }

        if (pod.Phase != "Running" || pod.NodeName is null)
        {
            return (PodVerdict.NotRunning, $"phase is {(pod.Phase.Length == 0 ? "unknown" : pod.Phase)}", null);
        }

        if (pod.Terminating)
        {
            return (PodVerdict.Terminating, "is being deleted", null);
        }

        // An endpoint owned by this very pod means Cilium manages it, however young it is. Deciding this before
        // the age check matters: the restart ledger frees a controller for its next restart once the replacement
        // is managed, and waiting out MinPodAge there would cap healing at one pod per MinPodAge per controller.
        var endpoint = snapshot.GetEndpoint(pod.Namespace, pod.Name);
        if (endpoint is not null && endpoint.OwnerPodUid == pod.Uid)
        {
            return (PodVerdict.Managed, $"CiliumEndpoint is {(endpoint.State.Length == 0 ? "present" : endpoint.State)}", endpoint);
        }

        if (pod.StartTime is not { } started)
        {
            return (PodVerdict.TooYoung, "has no start time yet", endpoint);
        }

        if (now - started < policy.MinPodAge)
        {
            return (PodVerdict.TooYoung, $"started {Seconds(now - started)} ago, less than {Seconds(policy.MinPodAge)}", endpoint);
        }

        var node = snapshot.GetNode(pod.NodeName);
        switch (NodeReadiness.Evaluate(node, policy.TaintKeys))
        {
            case NodeReadinessState.Unknown:
                return (PodVerdict.NodeUnknown, $"node {pod.NodeName} is not known", endpoint);
            case NodeReadinessState.Tainted:
                return (PodVerdict.NodeTainted, $"node {pod.NodeName} still has taint {node!.FindTaint(policy.TaintKeys)}", endpoint);
            case NodeReadinessState.AgentNotReady:
                return (PodVerdict.AgentNotReady, $"the Cilium agent on node {pod.NodeName} is not ready", endpoint);
            case NodeReadinessState.AgentUnknown:
                return (PodVerdict.AgentNotReady, $"no Cilium agent pod is known on node {pod.NodeName}", endpoint);
        }

        return endpoint is null
            ? (PodVerdict.NoEndpoint, "has no CiliumEndpoint", endpoint)
            : (PodVerdict.StaleEndpoint, $"its CiliumEndpoint belongs to an earlier pod (uid {endpoint.OwnerPodUid})", endpoint);
    }

    /// <param name="Classification">The verdict.</param>
    /// <param name="Endpoint">The endpoint it was judged with (for <see cref="PodVerdict.Managed"/>).</param>
    /// <param name="Pass">The last pass that saw the pod: entries of pods gone or replaced are dropped after a pass.</param>
    private readonly record struct Judged(PodClassification Classification, EndpointFacts? Endpoint, int Pass);

    private static string Seconds(TimeSpan span) =>
        string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds}s");
}
