namespace AdmissionGuard.Reconciler;

/// <summary>A Kubernetes Event about a pod. <see cref="Type"/> is Normal or Warning.</summary>
internal sealed record PodEvent(string Type, string Reason, string Message)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    public const string UnmanagedPodEvicted = "UnmanagedPodEvicted";
    public const string UnmanagedPodDeleted = "UnmanagedPodDeleted";
    public const string EvictionBlocked = "EvictionBlocked";
    public const string RestartFailed = "RestartFailed";
    public const string DryRunWouldEvict = "DryRunWouldEvict";
    public const string DryRunWouldDelete = "DryRunWouldDelete";
    public const string SchedulingGateReleased = "SchedulingGateReleased";
    public const string SchedulingGateHeld = "SchedulingGateHeld";
}
