using AdmissionGuard.Sandbox.Scheduling;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// kube-scheduler's filters the simulation needs, as pure functions: NodeUnschedulable, NodeAffinity (nodeSelector
/// and required node affinity) and TaintToleration. Each returns the scheduler's reason text when the node does
/// not fit, so an Unschedulable message reads like the real one.
/// </summary>
internal static class NodeFit
{
    public const string UnschedulableTaintKey = "node.kubernetes.io/unschedulable";
    public const string NoSchedule = "NoSchedule";
    public const string NoExecute = "NoExecute";
    public const string AffinityMismatch = "node(s) didn't match Pod's node affinity/selector";
    public const string NodeUnschedulable = "node(s) were unschedulable";

    private static readonly V1Taint UnschedulableTaint = new() { Key = UnschedulableTaintKey, Effect = NoSchedule };

    /// <summary>Why the pod cannot be placed on the node, or null when it fits.</summary>
    public static string? Check(V1PodSpec spec, V1Node node)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(node);
        if (node.Spec?.Unschedulable == true && Tolerations.FirstTolerating(spec.Tolerations, UnschedulableTaint) is null)
        {
            return NodeUnschedulable;
        }

        if (!NodeAffinity.Matches(spec, node))
        {
            return AffinityMismatch;
        }

        return Tolerations.FirstUntolerated(node.Spec?.Taints, spec.Tolerations, NoSchedule, NoExecute) is { } taint
            ? $"node(s) had untolerated taint {{{taint.Key}: {taint.Value}}}"
            : null;
    }
}
