using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>
/// Ranges, and the ordering client-go's leader election insists on: a leader must give up (RenewDeadline) before its Lease
/// expires for the others (LeaseDuration), and must get more than one renewal attempt (RetryPeriod) in between.
/// </summary>
internal sealed class LeaderElectionOptionsRules : IValidateOptions<LeaderElectionOptions>
{
    private const string Section = LeaderElectionOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, LeaderElectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        OptionRules.InRange(failures, $"{Section}:LeaseDuration", options.LeaseDuration, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        OptionRules.InRange(failures, $"{Section}:RenewDeadline", options.RenewDeadline, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        OptionRules.InRange(failures, $"{Section}:RetryPeriod", options.RetryPeriod, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        if (options.RenewDeadline >= options.LeaseDuration)
        {
            failures.Add($"{Section}:RenewDeadline: {options.RenewDeadline} must be shorter than {Section}:LeaseDuration ({options.LeaseDuration})");
        }

        if (options.RetryPeriod >= options.RenewDeadline)
        {
            failures.Add($"{Section}:RetryPeriod: {options.RetryPeriod} must be shorter than {Section}:RenewDeadline ({options.RenewDeadline})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
