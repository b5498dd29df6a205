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

    /// <param name="nodeName"><c>spec.nodeName</c>.</param>
    /// <param name="requiredTerms">The <c>matchFields</c> of each term of the required node affinity.</param>
    public static TargetNode Resolve(string? nodeName, IReadOnlyList<IReadOnlyList<FieldRequirement>> requiredTerms)
    {
        ArgumentNullException.ThrowIfNull(requiredTerms);
        if (!string.IsNullOrEmpty(nodeName))
        {
            return new(TargetKind.NodeName, nodeName);
        }

        var pinned = PinnedNode(requiredTerms);
        return pinned is null ? Unknown : new(TargetKind.PinnedByAffinity, pinned);
    }

    // Terms are ORed, so a pod is pinned only when there is exactly one term and that term names exactly one
    // node through matchFields metadata.name In [node]. Extra matchExpressions only narrow it further.
    private static string? PinnedNode(IReadOnlyList<IReadOnlyList<FieldRequirement>> terms)
    {
        if (terms is not [var fields])
        {
            return null;
        }

        // One pass without a list: the webhook asks this for every pod.
        FieldRequirement? name = null;
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i] is { Key: "metadata.name", Operator: "In" })
            {
                if (name is not null)
                {
                    return null;
                }

                name = fields[i];
            }
        }

        return name is { Values: [var node] } && node.Length > 0 ? node : null;
    }
}
