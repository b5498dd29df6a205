using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Healing;

namespace AdmissionGuard.Reconciler;

/// <summary>The reconciler's configuration as the Core decisions take it.</summary>
internal sealed record ReconcilerSettings(HealingPolicy Policy, RestartBudget Budget, RestartMethod Method, TimeSpan Interval, double WritesPerSecond = 20)
{
    /// <summary>Refused evictions this long make a pod "blocked" (Warning Event, gauge).</summary>
    public TimeSpan BlockedAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Maps the Reconciler options, with the webhook's taint keys and exclusions so that both sides judge pods alike.
    /// </summary>
    public static ReconcilerSettings From(ReconcilerOptions options, AdmissionPolicy admission)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(admission);
        var policy = new HealingPolicy(
            admission.TaintKeys,
            admission.Exclusions,
            options.MinPodAge,
            options.MaxGateAge,
            options.ReleaseGatesAfterMaxAge);
        var concurrency = RestartConcurrency.TryParse(options.Concurrency, out var parsed)
            ? parsed
            : throw new ArgumentException($"Reconciler:Concurrency: '{options.Concurrency}' is not OwnerBudget, One or a number", nameof(options));
        var budget = new RestartBudget(options.MaxRestartsPerCycle, options.PodCooldown, options.DryRun, options.MaxRestartsInFlight, concurrency)
        {
            EscalateBlockedAfter = options.EscalateBlockedAfter,
            MaxFailedRestartsPerNode = options.MaxFailedRestartsPerNode,
        };
        return new ReconcilerSettings(policy, budget, options.RestartMethod, options.Interval, options.WritesPerSecond)
        {
            BlockedAfter = options.BlockedAfter,
        };
    }
}
