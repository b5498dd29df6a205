using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Cluster;

/// <summary>A node as AdmissionGuard sees it.</summary>
/// <param name="AgentReady">The Cilium agent pod on this node is Ready (null when unknown: no agent pod known there).</param>
/// <param name="Agent">Which agent pods run on this node (their UIDs), null when none is known: changes when an agent is replaced.</param>
public sealed record NodeFacts(string Name, IReadOnlyList<Taint> Taints, bool? AgentReady = null, string? Agent = null)
{
    /// <summary>The first taint whose key is one of <paramref name="taintKeys"/>, or null.</summary>
    public Taint? FindTaint(IReadOnlyCollection<string> taintKeys)
    {
        ArgumentNullException.ThrowIfNull(taintKeys);
        // An indexed loop: the binding check asks for every binding, and a lambda over an interface's enumerator allocates.
        for (var i = 0; i < Taints.Count; i++)
        {
            if (taintKeys.Contains(Taints[i].Key))
            {
                return Taints[i];
            }
        }

        return null;
    }
}
