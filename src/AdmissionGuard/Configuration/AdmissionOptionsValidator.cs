using AdmissionGuard.Core;
using AdmissionGuard.Core.Labels;
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
        var builder = new ValidateOptionsResultBuilder();
        if (!GuardModes.TryParse(options.Mode, out _))
        {
            builder.AddError($"Admission:Mode: '{options.Mode}' is not one of {GuardModes.Allowed}");
        }

        if (options.TaintKeys is { Length: 0 })
        {
            builder.AddError($"Admission:TaintKeys: the list is empty; name at least one taint key, e.g. {WellKnown.CiliumAgentNotReadyTaint}");
        }

        for (var i = 0; i < options.TaintKeys?.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(options.TaintKeys[i]))
            {
                builder.AddError($"Admission:TaintKeys:{i}: taint key is empty");
            }
        }

        for (var i = 0; i < options.ExcludedNamespaces.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(options.ExcludedNamespaces[i]))
            {
                builder.AddError($"Admission:ExcludedNamespaces:{i}: namespace is empty");
            }
        }

        if (!LabelSelector.TryParse(options.ExcludedPodSelector, out _, out var error))
        {
            builder.AddError($"Admission:ExcludedPodSelector: {error}");
        }

        var failures = new List<string>();
        OptionRules.InRange(failures, $"{AdmissionOptions.SectionName}:CacheWaitTimeout", options.CacheWaitTimeout, TimeSpan.Zero, MaxCacheWait);
        failures.ForEach(failure => builder.AddError(failure));
        return builder.Build();
    }
}
