using AdmissionGuard.Cluster;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace AdmissionGuard.Metrics;

/// <summary>
/// <c>admissionguard_cache_stale_seconds{resource}</c>, read from the caches at each scrape: how long each cache has been
/// out of sync with the API server (0 while in sync). Registers its scrape callback when the host starts.
/// </summary>
internal sealed class CacheMetrics(CollectorRegistry registry, ClusterCaches caches) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var stale = Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge("admissionguard_cache_stale_seconds",
            "Seconds since the cache lost sync with the API server (failing lists, failing or dropped watches); 0 while in sync.",
            new GaugeConfiguration { LabelNames = ["resource"] });
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var cache in caches.All)
            {
                stale.WithLabels(cache.Resource).Set(cache.StaleFor.TotalSeconds);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
