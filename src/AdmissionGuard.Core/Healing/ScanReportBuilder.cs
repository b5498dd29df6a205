using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Healing;

/// <summary>Builds the scan report from a snapshot with the same rules the reconciler acts on.</summary>
public static class ScanReportBuilder
{
    public static ScanReport Build(IClusterSnapshot snapshot, HealingPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        var tainted = snapshot.Nodes
            .Select(n => (Node: n, Taint: n.FindTaint(policy.TaintKeys)))
            .Where(t => t.Taint is not null)
            .OrderBy(t => t.Node.Name, StringComparer.Ordinal)
            .Select(t => new TaintedNode(t.Node.Name, t.Taint!, t.Node.AgentReady))
            .ToList();
        var detection = new UnmanagedPodDetector(policy).Detect(snapshot, now);
        var unmanaged = detection.Unmanaged.OrderBy(c => c.Pod.Key, StringComparer.Ordinal).ToList();
        var atRisk = snapshot.Pods
            .Select(p => AtRisk(p, snapshot, policy))
            .OfType<AtRiskPod>()
            .OrderBy(r => r.Pod.Key, StringComparer.Ordinal)
            .ToList();
        var budgets = snapshot.DisruptionBudgets.ToList();
        var blocks = unmanaged
            .Select(c => (c.Pod.Uid, Block: EvictionBlock.Find(c.Pod, budgets)))
            .Where(b => b.Block is not null)
            .ToDictionary(b => b.Uid, b => b.Block!, StringComparer.Ordinal);
        return new ScanReport(now, detection.Enabled, tainted, GateReleasePlanner.Plan(snapshot, policy, now), atRisk, unmanaged)
        {
            NotYetJudged = [.. detection.Pods.Where(c => c.Verdict == PodVerdict.TooYoung).OrderBy(c => c.Pod.Key, StringComparer.Ordinal)],
            EvictionBlocks = blocks,
        };
    }

    private static AtRiskPod? AtRisk(PodFacts pod, IClusterSnapshot snapshot, HealingPolicy policy)
    {
        if (pod.Terminating || pod.Phase is "Succeeded" or "Failed" || pod.NodeName is not { } node
            || pod.HasGate(WellKnown.SchedulingGate)
            || CniRequirement.Evaluate(pod, policy.Exclusions) != CniNeed.Needed)
        {
            return null;
        }

        var taint = snapshot.GetNode(node) is { } facts ? TaintExposure.FindToleratedTaint(pod, facts, policy.TaintKeys) : null;
        return taint is null ? null : new AtRiskPod(pod, node, taint);
    }
}
