using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>
/// Checks the <c>LeaderElection</c> section: names the API server accepts, ranges, and the ordering client-go's
/// leader election insists on: a leader must give up (RenewDeadline) before its Lease expires for the others
/// (LeaseDuration), and must get more than one renewal attempt (RetryPeriod) in between.
/// </summary>
internal sealed class LeaderElectionOptionsValidator : IValidateOptions<LeaderElectionOptions>
{
    private const string Section = LeaderElectionOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, LeaderElectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = new OptionRules(Section);
        rules.NotEmpty(nameof(options.LeaseName), options.LeaseName);
        rules.DnsSubdomain(nameof(options.LeaseName), options.LeaseName);
        rules.NotEmpty(nameof(options.LeaseNamespace), options.LeaseNamespace);
        rules.DnsLabel(nameof(options.LeaseNamespace), options.LeaseNamespace);
        rules.NotEmpty(nameof(options.Identity), options.Identity);
        rules.InRange(nameof(options.LeaseDuration), options.LeaseDuration, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        rules.InRange(nameof(options.RenewDeadline), options.RenewDeadline, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        rules.InRange(nameof(options.RetryPeriod), options.RetryPeriod, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        if (options.RenewDeadline >= options.LeaseDuration)
        {
            rules.Fail(nameof(options.RenewDeadline), $"{options.RenewDeadline} must be shorter than {Section}:LeaseDuration ({options.LeaseDuration})");
        }

        if (options.RetryPeriod >= options.RenewDeadline)
        {
            rules.Fail(nameof(options.RetryPeriod), $"{options.RetryPeriod} must be shorter than {Section}:RenewDeadline ({options.RenewDeadline})");
        }

        return rules.Result();
    }
}
