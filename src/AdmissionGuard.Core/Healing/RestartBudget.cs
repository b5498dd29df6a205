namespace AdmissionGuard.Core.Healing;

/// <summary>How much disruption the reconciler may cause.</summary>
/// <param name="MaxRestartsPerCycle">Restarts started in one reconcile cycle, across all owners.</param>
/// <param name="PodCooldown">A pod (namespace/name) is not restarted again within this time; also how long
/// the reconciler waits at most for a replacement before the owner is free again.</param>
/// <param name="DryRun">Plan and report, change nothing.</param>
public sealed record RestartBudget(int MaxRestartsPerCycle, TimeSpan PodCooldown, bool DryRun);
