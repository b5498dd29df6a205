using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace AdmissionGuard.Hosting;

internal static class HealthEndpointExtensions
{
    /// <summary>Tag of the health checks <c>/readyz</c> runs (certificate loaded, caches synced and fresh).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// <c>/healthz</c> (the process answers), <c>/readyz</c> (every check tagged ready; when one fails, the body says
    /// which and why), <c>/metrics</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthAndMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).ServedOn(Listener.Health);
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReasonsAsync,
        }).ServedOn(Listener.Health);
        endpoints.MapMetrics("/metrics", endpoints.ServiceProvider.GetRequiredService<CollectorRegistry>()).ServedOn(Listener.Health);
        return endpoints;
    }

    /// <summary>The overall status, then one line per check that is not healthy: <c>name: description</c>.</summary>
    private static Task WriteReasonsAsync(HttpContext context, HealthReport report)
    {
        var body = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy))
        {
            body.Append('\n').Append(name).Append(": ").Append(entry.Description ?? entry.Exception?.Message ?? entry.Status.ToString());
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body.ToString(), context.RequestAborted);
    }
}
