using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace AdmissionGuard.Metrics;

internal static class MetricsRegistryExtensions
{
    /// <summary>
    /// The registry every guard metric registers in and <c>/metrics</c> serves: prometheus-net's default one, unless
    /// composition registered another first. Guards that share a process (the playground runs several replicas in
    /// one) each need their own, or every replica would report the others' restarts and leadership.
    /// </summary>
    public static IServiceCollection AddMetricsRegistry(this IServiceCollection services)
    {
        services.TryAddSingleton(Prometheus.Metrics.DefaultRegistry);
        return services;
    }

    /// <summary>A factory over the registry chosen by <see cref="AddMetricsRegistry"/>.</summary>
    public static IMetricFactory GetMetricFactory(this IServiceProvider services) =>
        Prometheus.Metrics.WithCustomRegistry(services.GetRequiredService<CollectorRegistry>());
}
