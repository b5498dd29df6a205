using AdmissionGuard.Sandbox.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Sandbox.Simulation;

public static class SimulationServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates the <c>Simulation</c> section (at start-up), and runs a <see cref="SimulatedCluster"/> on
    /// the registered <see cref="ClusterApi"/> as a hosted service.
    /// </summary>
    public static IServiceCollection AddSimulatedCluster(this IServiceCollection services)
    {
        services.AddOptions<SimulationOptions>().BindConfiguration(SimulationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SimulationOptions>, SimulationOptionsValidator>();
        services.AddSingleton<IValidateOptions<SimulationOptions>, SimulationOptionsRules>();
        services.AddSingleton(sp => new SimulatedCluster(
            sp.GetRequiredService<ClusterApi>(),
            sp.GetRequiredService<IOptions<SimulationOptions>>().Value,
            sp.GetService<ILoggerFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<SimulatedCluster>());
        return services;
    }
}
