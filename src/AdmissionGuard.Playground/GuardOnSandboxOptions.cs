using AdmissionGuard.Sandbox.Simulation;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Playground;

/// <summary>How <see cref="GuardOnSandbox.StartAsync"/> sets up the sandbox and the guard instances.</summary>
internal sealed class GuardOnSandboxOptions
{
    /// <summary>
    /// Guard instances to start (each with its own ports, certificate files and <c>LeaderElection:Identity</c>);
    /// 0 starts the sandbox alone, and <see cref="GuardOnSandbox.StartInstanceAsync"/> installs the guard later.
    /// </summary>
    public int Instances { get; init; } = 1;

    /// <summary><c>Admission:Mode</c>: off, warn, gate or deny.</summary>
    public string Mode { get; init; } = "gate";

    /// <summary><c>Reconciler:Interval</c>; null keeps the guard's default (15 s).</summary>
    public TimeSpan? ReconcilerInterval { get; init; }

    /// <summary><c>Reconciler:MinPodAge</c>; null keeps the guard's default (30 s).</summary>
    public TimeSpan? MinPodAge { get; init; }

    /// <summary><c>Reconciler:DryRun</c>.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Any other guard setting, <c>Section:Key</c> to value (e.g. <c>Reconciler:PodCooldown</c> = <c>00:00:05</c>).
    /// Applied after the typed settings above, so it wins over them.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The simulated cluster the sandbox runs (start-up delays, Cilium agent delay, slim mode with
    /// <see cref="SimulationOptions.CiliumEndpoints"/> false); null = an API server without controllers.
    /// </summary>
    public SimulationOptions? Simulation { get; init; } = new();

    /// <summary>The clock of the sandbox, its simulation and the guard instances.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where to write the sandbox kubeconfig; null = a temporary file removed on dispose.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>Logging of the sandbox, the simulation and the guards; null = silent.</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    /// <summary>
    /// Return only once an instance leads and every instance sees its Lease: until then gate mode warns instead of
    /// gating (nobody would release the gates). Ignored when the reconciler is disabled.
    /// </summary>
    public bool WaitForLeader { get; init; } = true;

    /// <summary>
    /// Who the guard instances are to the sandbox: they talk to it with their own kubeconfig, whose bearer token the
    /// sandbox maps to this user, as a pod's ServiceAccount token is mapped in a cluster. Their requests are in
    /// <c>Sandbox.Requests.Requests(GuardUser)</c> (what the RBAC audit checks); everyone else is <c>system:admin</c>.
    /// </summary>
    public string GuardUser { get; init; } = GuardOnSandbox.ServiceAccountUser;

    /// <summary>How long to wait for readiness (and the leader) before giving up.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
