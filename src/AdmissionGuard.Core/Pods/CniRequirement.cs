using AdmissionGuard.Core.Labels;

namespace AdmissionGuard.Core.Pods;

/// <summary>Which pods AdmissionGuard leaves alone, on top of those that need no CNI at all.</summary>
public sealed record ExclusionPolicy(IReadOnlySet<string> ExcludedNamespaces, LabelSelector ExcludedPods)
{
    public static readonly ExclusionPolicy None = new(new HashSet<string>(), LabelSelector.Nothing);
}

/// <summary>Why a pod is (not) a candidate for AdmissionGuard: webhook and reconciler share this one rule.</summary>
public enum CniNeed
{
    /// <summary>The pod gets its network from the CNI: Cilium must be ready for it.</summary>
    Needed,
    HostNetwork,
    MirrorPod,
    OptedOut,
    ExcludedNamespace,
    ExcludedBySelector,
}

public static class CniRequirement
{
    public static CniNeed Evaluate(PodFacts pod, ExclusionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(policy);
        if (pod.HostNetwork)
        {
            return CniNeed.HostNetwork;
        }

        if (pod.IsMirror)
        {
            return CniNeed.MirrorPod;
        }

        if (pod.Labels.TryGetValue(WellKnown.IgnoreLabel, out var ignore) && ignore == "true")
        {
            return CniNeed.OptedOut;
        }

        if (policy.ExcludedNamespaces.Contains(pod.Namespace))
        {
            return CniNeed.ExcludedNamespace;
        }

        return policy.ExcludedPods.Matches(pod.Labels) ? CniNeed.ExcludedBySelector : CniNeed.Needed;
    }
}
