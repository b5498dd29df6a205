using AdmissionGuard.Core;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>Checks the <c>Admission</c> section with the same parsers the decisions use.</summary>
internal sealed class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>
{
    /// <summary>
    /// A wait beyond the webhook's timeoutSeconds only makes the API server give up and admit unchecked; 10 s leaves
    /// room for a raised timeoutSeconds.
    /// </summary>
    private static readonly TimeSpan MaxCacheWait = TimeSpan.FromSeconds(10);

    public ValidateOptionsResult Validate(string? name, AdmissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = new OptionRules(AdmissionOptions.SectionName);
        if (options.ParsedMode is null)
        {
            rules.Fail(nameof(options.Mode), $"'{options.Mode}' is not one of {GuardModes.Allowed}");
        }

        for (var i = 0; i < options.ExcludedNamespaces.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(options.ExcludedNamespaces[i]))
            {
                rules.Fail($"{nameof(options.ExcludedNamespaces)}:{i}", "namespace is empty");
            }
        }

        rules.LabelSelectorParses(nameof(options.ExcludedPodSelector), options.ExcludedPodSelector);
        rules.InRange(nameof(options.CacheWaitTimeout), options.CacheWaitTimeout, TimeSpan.Zero, MaxCacheWait);
        return rules.Result();
    }
}
