using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Prometheus;

namespace AdmissionGuard.Hosting;

internal static class HealthEndpointExtensions
{
    /// <summary>Tag of the health checks <c>/readyz</c> runs (certificate loaded, caches synced).</summary>
    public const string ReadyTag = "ready";

    /// <summary><c>/healthz</c> (the process answers), <c>/readyz</c> (every check tagged ready), <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapHealthAndMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).ServedOn(Listener.Health);
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).ServedOn(Listener.Health);
        endpoints.MapMetrics("/metrics", endpoints.ServiceProvider.GetRequiredService<CollectorRegistry>()).ServedOn(Listener.Health);
        return endpoints;
    }
}
