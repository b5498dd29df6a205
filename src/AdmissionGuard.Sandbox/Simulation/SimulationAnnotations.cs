namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>Annotations the simulated cluster reads from pods (users put them on pod templates).</summary>
public static class SimulationAnnotations
{
    /// <summary>
    /// How long the pod stays not Ready after it starts, as a Go-style duration (<c>500ms</c>, <c>5s</c>,
    /// <c>2m</c>, <c>1h</c>, <c>0</c>); overrides <see cref="SimulationOptions.StartupDelay"/>.
    /// </summary>
    public const string StartupDelay = "sandbox.admissionguard.io/startup-delay";
}
