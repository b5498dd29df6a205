using System.Globalization;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// Finds pods that run without Cilium. Stricter than Cilium's unmanaged-pod watcher: the pod must need the
/// CNI (webhook's exclusions), the node's agent must be ready (restarting on an agent-less node only loops),
/// and the CiliumEndpoint must belong to this pod's UID (a stale endpoint of a reused name does not count).
/// </summary>
public sealed class UnmanagedPodDetector(HealingPolicy policy)
{
    public Detection Detect(IClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.EndpointsAvailable)
        {
            return Detection.Disabled;
        }

        return new Detection(true, snapshot.Pods.Select(pod => Classify(pod, snapshot, now)).ToList());
    }

    public PodClassification Classify(PodFacts pod, IClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        var (verdict, detail) = Judge(pod, snapshot, now);
        return new PodClassification(pod, verdict, detail);
    }

    private (PodVerdict Verdict, string Detail) Judge(PodFacts pod, IClusterSnapshot snapshot, DateTimeOffset now)
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
            return (PodVerdict.Managed, $"CiliumEndpoint is {(endpoint.State.Length == 0 ? "present" : endpoint.State)}");
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

    private static string Seconds(TimeSpan span) =>
        string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds}s");
}
