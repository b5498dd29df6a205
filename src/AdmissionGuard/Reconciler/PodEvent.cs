namespace AdmissionGuard.Reconciler;

/// <summary>A Kubernetes Event about a pod (or a node). <see cref="Type"/> is Normal or Warning.</summary>
internal sealed record PodEvent(string Type, string Reason, string Message)
{
    /// <summary>Annotations of the Event object itself (restart Events carry what a new leader needs, see <see cref="RestartEvents"/>).</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public const string Normal = "Normal";
    public const string Warning = "Warning";

    public const string UnmanagedPodEvicted = "UnmanagedPodEvicted";
    public const string UnmanagedPodDeleted = "UnmanagedPodDeleted";
    public const string EvictionBlocked = "EvictionBlocked";
    public const string RestartBlocked = "RestartBlocked";
    public const string BlockedPodDeleted = "BlockedPodDeleted";
    public const string RestartsPaused = "UnmanagedPodRestartsPaused";
    public const string NotRestarted = "UnmanagedPodNotRestarted";
    public const string RestartFailed = "RestartFailed";
    public const string DryRunWouldEvict = "DryRunWouldEvict";
    public const string DryRunWouldDelete = "DryRunWouldDelete";
    public const string SchedulingGateReleased = "SchedulingGateReleased";
    public const string SchedulingGateHeld = "SchedulingGateHeld";
}
