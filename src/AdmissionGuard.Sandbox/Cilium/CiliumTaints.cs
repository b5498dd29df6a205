namespace AdmissionGuard.Sandbox.Cilium;

/// <summary>The taint Cilium's operator removes once the node's agent is Ready (nodes are told to register with it).</summary>
public static class CiliumTaints
{
    public const string AgentNotReady = "node.cilium.io/agent-not-ready";
}
