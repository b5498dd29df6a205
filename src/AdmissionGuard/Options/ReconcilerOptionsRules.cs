using AdmissionGuard.Core.Labels;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Options;

/// <summary>What attributes cannot say: the agent selector must parse.</summary>
internal sealed class ReconcilerOptionsRules : IValidateOptions<ReconcilerOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return LabelSelector.TryParse(options.AgentSelector, out _, out var error)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{ReconcilerOptions.SectionName}:AgentSelector: {error}");
    }
}
