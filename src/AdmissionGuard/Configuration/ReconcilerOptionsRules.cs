using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Labels;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>What the attributes cannot say: ranges with messages that name the setting, and a selector that parses.</summary>
internal sealed class ReconcilerOptionsRules : IValidateOptions<ReconcilerOptions>
{
    private const string Section = ReconcilerOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        OptionRules.InRange(failures, $"{Section}:Interval", options.Interval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        OptionRules.InRange(failures, $"{Section}:MinPodAge", options.MinPodAge, TimeSpan.Zero, TimeSpan.FromDays(1));
        OptionRules.InRange(failures, $"{Section}:MaxRestartsPerCycle", options.MaxRestartsPerCycle, 1, 10_000);
        OptionRules.InRange(failures, $"{Section}:MaxRestartsInFlight", options.MaxRestartsInFlight, 1, 100_000);
        OptionRules.InRange(failures, $"{Section}:WritesPerSecond", options.WritesPerSecond, 0.1, 10_000);

        if (!RestartConcurrency.TryParse(options.Concurrency, out _))
        {
            failures.Add($"{Section}:Concurrency: must be OwnerBudget, One or a whole number from 1 (got '{options.Concurrency}')");
        }

        OptionRules.InRange(failures, $"{Section}:PodCooldown", options.PodCooldown, TimeSpan.Zero, TimeSpan.FromDays(1));
        OptionRules.InRange(failures, $"{Section}:MaxGateAge", options.MaxGateAge, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        if (!LabelSelector.TryParse(options.AgentSelector, out _, out var error))
        {
            failures.Add($"{Section}:AgentSelector: {error}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
