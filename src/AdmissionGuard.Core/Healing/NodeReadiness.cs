using AdmissionGuard.Core.Cluster;

namespace AdmissionGuard.Core.Healing;

public enum NodeReadinessState
{
    /// <summary>The node is not in the snapshot.</summary>
    Unknown,

    /// <summary>The node carries one of the configured taints.</summary>
    Tainted,

    /// <summary>No taint, but the Cilium agent pod on the node is not Ready.</summary>
    AgentNotReady,

    /// <summary>No taint and no agent pod known for the node.</summary>
    AgentUnknown,

    /// <summary>No taint and the agent pod is Ready.</summary>
    Ready,
}

/// <summary>The one rule for "is Cilium ready on this node", read by the detector, the gate releaser and scan.</summary>
public static class NodeReadiness
{
    public static NodeReadinessState Evaluate(NodeFacts? node, IReadOnlyCollection<string> taintKeys)
    {
        if (node is null)
        {
            return NodeReadinessState.Unknown;
        }

        if (node.FindTaint(taintKeys) is not null)
        {
            return NodeReadinessState.Tainted;
        }

        return node.AgentReady switch
        {
            true => NodeReadinessState.Ready,
            false => NodeReadinessState.AgentNotReady,
            null => NodeReadinessState.AgentUnknown,
        };
    }
}
