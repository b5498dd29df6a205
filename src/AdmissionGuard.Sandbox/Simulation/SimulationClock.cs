namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>Timestamps as Kubernetes stores them (metav1.Time has whole seconds).</summary>
internal static class SimulationClock
{
    public static DateTime Now(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var ticks = time.GetUtcNow().UtcTicks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    public static DateTimeOffset AsOffset(DateTime timestamp) => new(DateTime.SpecifyKind(timestamp, DateTimeKind.Utc));
}
