namespace AdmissionGuard.Playground.Demo;

/// <summary>What <c>admissionguard-playground demo</c> plays.</summary>
/// <param name="Mode"><c>Admission:Mode</c> of the guard.</param>
/// <param name="Nodes">Nodes in the cluster before the guard is installed (one more joins afterwards).</param>
/// <param name="Timeout">When to give up waiting for every pod to be managed by Cilium.</param>
internal sealed record DemoSettings(string Mode, int Nodes, TimeSpan Timeout)
{
    public const int MaxNodes = 20;

    /// <summary>How long the simulated Cilium agent takes to become Ready on a node.</summary>
    public static TimeSpan CiliumAgentStartupDelay { get; } = TimeSpan.FromSeconds(4);

    /// <summary>How long any other simulated pod takes to become Ready.</summary>
    public static TimeSpan PodStartupDelay { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The guard's <c>Reconciler:Interval</c>, short so the story fits in seconds.</summary>
    public static TimeSpan ReconcilerInterval { get; } = TimeSpan.FromSeconds(2);

    /// <summary>The guard's <c>Reconciler:MinPodAge</c>.</summary>
    public static TimeSpan MinPodAge { get; } = TimeSpan.FromSeconds(3);
}
