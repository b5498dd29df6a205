using AdmissionGuard.Sandbox.Labels;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>The rules of <see cref="SimulationOptions"/> that attributes cannot express.</summary>
public sealed class SimulationOptionsRules : IValidateOptions<SimulationOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!LabelSelector.TryParse(options.CiliumAgentSelector, out _, out var error))
        {
            failures.Add($"{SimulationOptions.SectionName}:{nameof(SimulationOptions.CiliumAgentSelector)}: {error}");
        }

        if (options.SchedulerMaxBackoff < options.SchedulerInitialBackoff)
        {
            failures.Add($"{SimulationOptions.SectionName}:{nameof(SimulationOptions.SchedulerMaxBackoff)}: " +
                $"'{options.SchedulerMaxBackoff}' is shorter than {nameof(SimulationOptions.SchedulerInitialBackoff)} '{options.SchedulerInitialBackoff}'");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
