using AdmissionGuard.Core;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Configuration;

/// <summary>
/// Checks the <c>Cni</c> section. A value that came from a pre-<c>Cni</c> key is reported under that key, the one the
/// operator actually wrote (<see cref="LegacySettings"/>).
/// </summary>
internal sealed class CniOptionsValidator(LegacySettings legacy) : IValidateOptions<CniOptions>
{
    public ValidateOptionsResult Validate(string? name, CniOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Whole setting names: a value may have come from a key of another section.
        var rules = new OptionRules("");
        var taintKeys = legacy.NameOf($"{CniOptions.SectionName}:{nameof(CniOptions.TaintKeys)}");
        if (options.TaintKeys is { Length: 0 })
        {
            rules.Fail(taintKeys, $"the list is empty; name at least one taint key, e.g. {WellKnown.CiliumAgentNotReadyTaint}");
        }

        for (var i = 0; i < options.TaintKeys?.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(options.TaintKeys[i]))
            {
                rules.Fail($"{taintKeys}:{i}", "taint key is empty");
            }
        }

        var agentNamespace = legacy.NameOf($"{CniOptions.SectionName}:{nameof(CniOptions.AgentNamespace)}");
        rules.NotEmpty(agentNamespace, options.AgentNamespace);
        rules.DnsLabel(agentNamespace, options.AgentNamespace);
        var agentSelector = legacy.NameOf($"{CniOptions.SectionName}:{nameof(CniOptions.AgentSelector)}");
        rules.NotEmpty(agentSelector, options.AgentSelector, " (it would select every pod of the agent namespace)");
        if (!string.IsNullOrWhiteSpace(options.AgentSelector))
        {
            rules.LabelSelectorParses(agentSelector, options.AgentSelector);
        }

        if (!EndpointResource.TryParse(options.EndpointResource, out _))
        {
            rules.Fail($"{CniOptions.SectionName}:{nameof(CniOptions.EndpointResource)}", $"'{options.EndpointResource}' is not plural.version.group, e.g. {CniOptions.CiliumEndpoints}");
        }

        return rules.Result();
    }
}
