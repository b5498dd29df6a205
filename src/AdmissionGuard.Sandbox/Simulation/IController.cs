using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// One simulated controller, level-triggered: every pass looks at the whole current state and moves it one step
/// towards the desired state. <see cref="ControllerLoop"/> runs passes on watch events, on a resync tick and
/// when a pass asks to be woken at a given time.
/// </summary>
internal interface IController
{
    string Name { get; }

    /// <summary>A change to any object of these types starts a pass.</summary>
    IReadOnlyList<ResourceType> WatchedTypes { get; }

    /// <returns>The time of the next timed step (a start-up delay, a backoff), or null when only changes matter.</returns>
    Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken);
}
