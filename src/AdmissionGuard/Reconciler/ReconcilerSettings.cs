using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Healing;

namespace AdmissionGuard.Reconciler;

/// <summary>The reconciler's configuration as the Core decisions take it.</summary>
internal sealed record ReconcilerSettings(HealingPolicy Policy, RestartBudget Budget, RestartMethod Method, TimeSpan Interval)
{
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
        var budget = new RestartBudget(options.MaxRestartsPerCycle, options.PodCooldown, options.DryRun);
        return new ReconcilerSettings(policy, budget, options.RestartMethod, options.Interval);
    }
}
