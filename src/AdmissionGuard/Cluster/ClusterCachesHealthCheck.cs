using System.Globalization;
using AdmissionGuard.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Cluster;

/// <summary>
/// Ready once every cache has listed (before that, decisions would read an empty cluster), and while no cache that
/// admission reads has been out of sync longer than <c>Kubernetes:CacheStaleness</c>: a replica whose view of the
/// cluster is stale leaves the Service, so the API server calls a replica that still sees it.
/// </summary>
internal sealed class ClusterCachesHealthCheck(ClusterCaches caches, IOptions<KubernetesOptions> options) : IHealthCheck
{
    public const string Name = "cluster-caches";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = caches.All.Where(cache => !cache.Synced).Select(cache => cache.Resource).ToList();
        if (waiting.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"waiting for the first list of: {string.Join(", ", waiting)}"));
        }

        var limit = options.Value.CacheStaleness;
        var stale = caches.AdmissionInputs.Where(cache => cache.StaleFor > limit).Select(Describe).ToList();
        return Task.FromResult(stale.Count == 0
            ? HealthCheckResult.Healthy("all caches synced")
            : HealthCheckResult.Unhealthy(
                $"out of sync longer than {KubernetesOptions.SectionName}:CacheStaleness ({limit}): {string.Join("; ", stale)}"));
    }

    private static string Describe(Informers.IResourceCacheStatus cache) => string.Create(CultureInfo.InvariantCulture,
        $"{cache.Resource} for {cache.StaleFor.TotalSeconds:0}s (last error: {cache.LastError ?? "none"})");
}
