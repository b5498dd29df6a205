using AdmissionGuard.Core;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Labels;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Options;
using Microsoft.Extensions.Configuration;

namespace AdmissionGuard.Reconciler;

/// <summary>The reconciler's configuration as the Core decisions take it.</summary>
public sealed record ReconcilerSettings(HealingPolicy Policy, RestartBudget Budget, RestartMethod Method, TimeSpan Interval)
{
    /// <summary>
    /// Maps the Reconciler options and the Admission section's taint keys and exclusions (the webhook's, so
    /// both sides judge pods alike).
    /// </summary>
    /// <exception cref="FormatException">Admission:ExcludedPodSelector is not a valid label selector.</exception>
    public static ReconcilerSettings From(ReconcilerOptions options, IConfiguration admission)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(admission);
        var taintKeys = admission.GetSection("TaintKeys").Get<string[]>() is { Length: > 0 } keys
            ? keys
            : [WellKnown.CiliumAgentNotReadyTaint];
        var excludedNamespaces = admission.GetSection("ExcludedNamespaces").Get<string[]>() ?? [];
        var selectorText = admission["ExcludedPodSelector"];
        var excludedPods = string.IsNullOrWhiteSpace(selectorText)
            ? LabelSelector.Nothing
            : LabelSelector.TryParse(selectorText, out var selector, out var error)
                ? selector
                : throw new FormatException($"Admission:ExcludedPodSelector: {error}");
        var policy = new HealingPolicy(
            taintKeys,
            new ExclusionPolicy(excludedNamespaces.ToHashSet(StringComparer.Ordinal), excludedPods),
            options.MinPodAge,
            options.MaxGateAge,
            options.ReleaseGatesAfterMaxAge);
        var budget = new RestartBudget(options.MaxRestartsPerCycle, options.PodCooldown, options.DryRun);
        return new ReconcilerSettings(policy, budget, options.RestartMethod, options.Interval);
    }
}
