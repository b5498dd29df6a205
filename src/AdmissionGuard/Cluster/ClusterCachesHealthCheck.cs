using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AdmissionGuard.Cluster;

/// <summary>Ready once every cache has listed: before that, decisions would read an empty cluster.</summary>
internal sealed class ClusterCachesHealthCheck(ClusterCaches caches) : IHealthCheck
{
    public const string Name = "cluster-caches";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = caches.All.Where(cache => !cache.Synced).Select(cache => cache.Resource).ToList();
        return Task.FromResult(waiting.Count == 0
            ? HealthCheckResult.Healthy("all caches synced")
            : HealthCheckResult.Unhealthy($"waiting for the first list of: {string.Join(", ", waiting)}"));
    }
}
