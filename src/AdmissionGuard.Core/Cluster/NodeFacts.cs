using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Cluster;

/// <summary>A node as AdmissionGuard sees it.</summary>
/// <param name="AgentReady">The Cilium agent pod on this node is Ready (null when unknown: no agent pod known there).</param>
public sealed record NodeFacts(string Name, IReadOnlyList<Taint> Taints, bool? AgentReady = null)
{
    /// <summary>The first taint whose key is one of <paramref name="taintKeys"/>, or null.</summary>
    public Taint? FindTaint(IReadOnlyCollection<string> taintKeys) =>
        Taints.FirstOrDefault(t => taintKeys.Contains(t.Key));
}
