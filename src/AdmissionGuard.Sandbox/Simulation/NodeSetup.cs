namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>How <see cref="SimulatedCluster.AddNodeAsync"/> makes a node. The default is a node as Cilium's docs
/// recommend registering it: tainted <c>node.cilium.io/agent-not-ready:NoExecute</c> until the agent is ready.</summary>
public sealed record NodeSetup
{
    /// <summary>Register the node with the <c>node.cilium.io/agent-not-ready</c> taint.</summary>
    public bool CiliumTaint { get; init; } = true;

    /// <summary>Effect of that taint: NoExecute (Cilium's recommendation) or NoSchedule.</summary>
    public string TaintEffect { get; init; } = "NoExecute";

    /// <summary>Value of <c>topology.kubernetes.io/zone</c>, if any.</summary>
    public string? Zone { get; init; }

    /// <summary>Extra node labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Mark the node unschedulable (cordoned).</summary>
    public bool Unschedulable { get; init; }
}
