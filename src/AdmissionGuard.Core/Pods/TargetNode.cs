using k8s.Models;

namespace AdmissionGuard.Core.Pods;

public enum TargetKind
{
    /// <summary>No node yet: the scheduler will pick one and POST a Binding.</summary>
    Unknown,

    /// <summary><c>spec.nodeName</c> is set: the pod bypasses the scheduler and cannot be gated.</summary>
    NodeName,

    /// <summary>Required node affinity on <c>metadata.name</c> with exactly one node, as the DaemonSet controller pins pods.</summary>
    PinnedByAffinity,
}

/// <summary>Where a pod will land, as far as admission can know it.</summary>
public sealed record TargetNode(TargetKind Kind, string? Name)
{
    public static readonly TargetNode Unknown = new(TargetKind.Unknown, null);

    public static TargetNode Resolve(V1PodSpec? spec)
    {
        if (!string.IsNullOrEmpty(spec?.NodeName))
        {
            return new(TargetKind.NodeName, spec.NodeName);
        }

        var pinned = PinnedNode(spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution);
        return pinned is null ? Unknown : new(TargetKind.PinnedByAffinity, pinned);
    }

    // Terms are ORed, so a pod is pinned only when there is exactly one term and that term names exactly one
    // node through matchFields metadata.name In [node]. Extra matchExpressions only narrow it further.
    private static string? PinnedNode(V1NodeSelector? required)
    {
        if (required?.NodeSelectorTerms is not { Count: 1 } terms)
        {
            return null;
        }

        var names = (terms[0].MatchFields ?? [])
            .Where(f => f.Key == "metadata.name" && f.OperatorProperty == "In")
            .ToList();
        return names is [{ Values: [var node] }] && node.Length > 0 ? node : null;
    }
}
