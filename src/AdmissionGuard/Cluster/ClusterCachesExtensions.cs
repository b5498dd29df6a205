using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Metrics;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Cluster;

internal static class ClusterCachesExtensions
{
    /// <summary>
    /// Needs the settings (<see cref="GuardSettings.AddClusterSettings"/>). Registers the <c>Kubernetes</c> section
    /// (<see cref="GuardSettings.AddKubernetesSettings"/>), the <see cref="Kubernetes"/> client (also as <see cref="IKubernetes"/>), the watch-fed <see cref="ClusterCaches"/> (a hosted service; resolve it
    /// to subscribe to changes or await the first sync), <see cref="IClusterSnapshot"/>, <see cref="ICacheArrival"/>, and the health check
    /// tagged <c>ready</c> that passes once every cache has synced and while none that admission reads is stale. Any host builder: <c>serve</c> passes its web
    /// application builder, <c>scan</c> a plain host that only lists.
    /// </summary>
    public static TBuilder AddClusterCaches<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddKubernetesSettings();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => KubernetesClientFactory.Create(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value));
        services.TryAddSingleton<IKubernetes>(sp => sp.GetRequiredService<Kubernetes>());
        services.TryAddSingleton(sp => ClusterSources.FromApiServer(
            sp.GetRequiredService<Kubernetes>(),
            sp.GetRequiredService<IOptions<CniOptions>>().Value,
            sp.GetRequiredService<IOptions<LeaderElectionOptions>>().Value));
        services.TryAddSingleton<FactsCompactor>();
        services.TryAddSingleton<ClusterCaches>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterCaches>());
        services.TryAddSingleton<IClusterCacheStatus>(sp => sp.GetRequiredService<ClusterCaches>());
        services.TryAddSingleton<IClusterSnapshot, ClusterSnapshot>();
        services.TryAddSingleton<ICacheArrival>(sp => new CacheArrival(sp.GetRequiredService<ClusterCaches>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHealthChecks().AddCheck<ClusterCachesHealthCheck>(ClusterCachesHealthCheck.Name, tags: ["ready"]);
        return builder;
    }

    /// <summary><c>admissionguard_cache_stale_seconds</c>, for a process that serves <c>/metrics</c> (not <c>scan</c>).</summary>
    public static IServiceCollection AddCacheMetrics(this IServiceCollection services)
    {
        services.AddMetricsRegistry();
        services.AddHostedService<CacheMetrics>();
        return services;
    }
}
