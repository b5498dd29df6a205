using AdmissionGuard.Core.Healing;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>Checks the <c>Reconciler</c> section: ranges and names, each failure naming the setting.</summary>
internal sealed class ReconcilerOptionsValidator : IValidateOptions<ReconcilerOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = new OptionRules(ReconcilerOptions.SectionName);
        rules.InRange(nameof(options.Interval), options.Interval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        rules.InRange(nameof(options.MinPodAge), options.MinPodAge, TimeSpan.Zero, TimeSpan.FromDays(1));
        rules.InRange(nameof(options.MaxRestartsPerCycle), options.MaxRestartsPerCycle, 1, 10_000);
        rules.InRange(nameof(options.MaxRestartsInFlight), options.MaxRestartsInFlight, 1, 100_000);
        rules.InRange(nameof(options.WritesPerSecond), options.WritesPerSecond, 0.1, 10_000);
        if (!RestartConcurrency.TryParse(options.Concurrency, out _))
        {
            rules.Fail(nameof(options.Concurrency), $"must be OwnerBudget, One or a whole number from 1 (got '{options.Concurrency}')");
        }

        rules.InRange(nameof(options.PodCooldown), options.PodCooldown, TimeSpan.Zero, TimeSpan.FromDays(1));
        rules.InRange(nameof(options.BlockedAfter), options.BlockedAfter, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        if (options.EscalateBlockedAfter is { } escalate)
        {
            rules.InRange(nameof(options.EscalateBlockedAfter), escalate, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        }

        rules.InRange(nameof(options.MaxFailedRestartsPerNode), options.MaxFailedRestartsPerNode, 1, 100);
        rules.InRange(nameof(options.MaxGateAge), options.MaxGateAge, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        if (!Enum.IsDefined(options.RestartMethod))
        {
            rules.Fail(nameof(options.RestartMethod), $"must be one of {string.Join(", ", Enum.GetNames<RestartMethod>())}");
        }

        return rules.Result();
    }
}
