using System.ComponentModel.DataAnnotations;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// Configuration section <c>Simulation</c>: how the simulated cluster behind the sandbox behaves. Defaults make
/// Cilium become ready clearly later than the other DaemonSets, which is the seed's failure.
/// </summary>
public sealed class SimulationOptions
{
    public const string SectionName = "Simulation";

    /// <summary>How long a started pod stays not Ready; a pod overrides it with <see cref="SimulationAnnotations.StartupDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StartupDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a deleted or evicted pod's containers take to stop; the pod is Terminating meanwhile. Null (the
    /// default) = until its grace period (spec.terminationGracePeriodSeconds, 30 s by default) ends, as a process
    /// that ignores SIGTERM; a pod overrides it with <see cref="SimulationAnnotations.ShutdownDelay"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan? ShutdownDelay { get; set; }

    /// <summary>How long after a managed pod starts the simulated Cilium agent creates its CiliumEndpoint.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CiliumEndpointDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Start-up delay <see cref="SimulatedCluster.InstallCiliumAsync"/> gives the Cilium agent pods.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CiliumAgentStartupDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Namespace of the Cilium agent DaemonSet and its pods.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    public string CiliumAgentNamespace { get; set; } = "kube-system";

    /// <summary>Label selector of the Cilium agent pods (the string form, e.g. <c>k8s-app=cilium</c>).</summary>
    [Required]
    public string CiliumAgentSelector { get; set; } = "k8s-app=cilium";

    /// <summary>
    /// False simulates Cilium's slim CES mode: no CiliumEndpoints are created at all, and the API server should
    /// not serve the ciliumendpoints resource.
    /// </summary>
    public bool CiliumEndpoints { get; set; } = true;

    /// <summary>
    /// Cilium's <c>operator.setNodeTaints</c> (on by default): the operator re-taints a node whose agent pod is scheduled
    /// but not Ready. False leaves taints to whoever set them (a node can then be untainted with its agent not Ready).
    /// </summary>
    public bool CiliumSetNodeTaints { get; set; } = true;

    /// <summary>How often every controller reconciles even without a watch event.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait before the scheduler retries a pod whose binding was refused (doubles per failure).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan SchedulerInitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between binding attempts, as kube-scheduler's podMaxBackoffSeconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan SchedulerMaxBackoff { get; set; } = TimeSpan.FromSeconds(10);
}
