using System.Globalization;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// Decides which of the gates the webhook added can go. A gate is released as soon as the pinned node is
/// ready; the agent's readiness counts only when known, because the taint is what the scheduler and
/// Cilium's operator act on.
/// </summary>
public static class GateReleasePlanner
{
    public static IReadOnlyList<GateStep> Plan(IClusterSnapshot snapshot, HealingPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        return snapshot.GatedPods
            .Where(p => !p.Terminating)
            .OrderBy(p => p.Namespace, StringComparer.Ordinal)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => Decide(p, snapshot, policy, now))
            .ToList();
    }

    private static GateStep Decide(PodFacts pod, IClusterSnapshot snapshot, HealingPolicy policy, DateTimeOffset now)
    {
        var age = pod.CreationTime is { } created && now > created ? now - created : TimeSpan.Zero;
        var overdue = age > policy.MaxGateAge;
        var node = pod.NodeName;
        if (node is null)
        {
            return new(pod, null, GateAction.ReleaseNotPinned, age, overdue, "not pinned to a node; the binding check guards it");
        }

        var nodeFacts = snapshot.GetNode(node);
        var readiness = NodeReadiness.Evaluate(nodeFacts, policy.TaintKeys);
        if (readiness is NodeReadinessState.Ready or NodeReadinessState.AgentUnknown)
        {
            return new(pod, node, GateAction.ReleaseNodeReady, age, overdue, $"node {node} is ready");
        }

        var why = readiness switch
        {
            NodeReadinessState.Tainted => $"node {node} still has taint {nodeFacts!.FindTaint(policy.TaintKeys)}",
            NodeReadinessState.AgentNotReady => $"the Cilium agent on node {node} is not ready",
            _ => $"node {node} is not known",
        };
        if (!overdue)
        {
            return new(pod, node, GateAction.Hold, age, overdue, why);
        }

        var held = string.Create(CultureInfo.InvariantCulture, $"{why}; gated for {(long)age.TotalMinutes}m, longer than {(long)policy.MaxGateAge.TotalMinutes}m");
        return policy.ReleaseGatesAfterMaxAge
            ? new(pod, node, GateAction.ReleaseOverdue, age, overdue, held + "; released anyway")
            : new(pod, node, GateAction.Hold, age, overdue, held);
    }
}
