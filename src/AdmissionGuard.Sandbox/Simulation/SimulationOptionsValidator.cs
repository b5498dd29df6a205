using Microsoft.Extensions.Options;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>The attribute rules of <see cref="SimulationOptions"/>, generated at compile time.</summary>
[OptionsValidator]
public sealed partial class SimulationOptionsValidator : IValidateOptions<SimulationOptions>;
