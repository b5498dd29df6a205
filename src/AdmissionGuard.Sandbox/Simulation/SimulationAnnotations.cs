namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>Annotations the simulated cluster reads from pods (users put them on pod templates).</summary>
public static class SimulationAnnotations
{
    /// <summary>
    /// How long the pod stays not Ready after it starts, as a Go-style duration (<c>500ms</c>, <c>5s</c>,
    /// <c>2m</c>, <c>1h</c>, <c>0</c>); overrides <see cref="SimulationOptions.StartupDelay"/>.
    /// </summary>
    public const string StartupDelay = "sandbox.admissionguard.io/startup-delay";

    /// <summary>
    /// How long the pod's containers take to stop after a delete or an eviction (a Go-style duration); overrides
    /// <see cref="SimulationOptions.ShutdownDelay"/>. The pod's grace period still bounds it.
    /// </summary>
    public const string ShutdownDelay = "sandbox.admissionguard.io/shutdown-delay";

    /// <summary>
    /// On a node, <c>"true"</c>: the Cilium agent there is Ready (the taint goes) but wires no pod, so no pod started
    /// there ever gets a CiliumEndpoint, as when the agent's IPAM is exhausted or its datapath is stuck.
    /// </summary>
    public const string CiliumBroken = "sandbox.admissionguard.io/cilium-broken";
}
