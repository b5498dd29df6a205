namespace AdmissionGuard.Core.Healing;

/// <summary>How much disruption the reconciler may cause.</summary>
/// <param name="MaxRestartsPerCycle">Restarts started in one reconcile cycle, across all owners.</param>
/// <param name="PodCooldown">A pod (namespace/name) is not restarted again within this time; also how long
/// the reconciler waits at most for a replacement before the restart stops counting.</param>
/// <param name="DryRun">Plan and report, change nothing.</param>
/// <param name="MaxRestartsInFlight">Restarts in flight across all controllers (the API server's and the nodes' load).</param>
/// <param name="Concurrency">Restarts in flight per controller.</param>
public sealed record RestartBudget(int MaxRestartsPerCycle, TimeSpan PodCooldown, bool DryRun, int MaxRestartsInFlight = int.MaxValue, RestartConcurrency? Concurrency = null)
{
    /// <summary>A pod whose evictions have been refused this long is deleted instead (UID precondition); null: never.</summary>
    public TimeSpan? EscalateBlockedAfter { get; init; }

    /// <summary>Restarts on one node that may come back unmanaged before restarts there pause until its agent changes.</summary>
    public int MaxFailedRestartsPerNode { get; init; } = 2;

    /// <summary>Per controller: <see cref="RestartConcurrency.OwnerBudget"/> unless set.</summary>
    public RestartConcurrency PerController => Concurrency ?? RestartConcurrency.OwnerBudget;
}
