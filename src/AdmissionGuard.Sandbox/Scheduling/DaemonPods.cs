using k8s.Models;

namespace AdmissionGuard.Sandbox.Scheduling;

/// <summary>The node a DaemonSet pod belongs to, as the DaemonSet controller's <c>GetTargetNodeName</c> reads it.</summary>
internal static class DaemonPods
{
    /// <summary>
    /// <c>spec.nodeName</c> when set; otherwise the value of the first required-affinity <c>matchFields</c> entry on
    /// <c>metadata.name</c> with operator In, in any term; null when there is none or it names more than one node.
    /// </summary>
    public static string? TargetNodeName(V1PodSpec? spec)
    {
        if (!string.IsNullOrEmpty(spec?.NodeName))
        {
            return spec.NodeName;
        }

        var terms = spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms ?? [];
        var first = terms.SelectMany(t => t.MatchFields ?? []).FirstOrDefault(f => f.Key == "metadata.name" && f.OperatorProperty == "In");
        return first?.Values is [var node] ? node : null;
    }
}
