using Prometheus;

namespace AdmissionGuard.Metrics;

/// <summary>
/// What prometheus-net's default registry publishes besides the guard's own metrics: the process metrics and the
/// .NET meters, but not its EventCounter adapter, not its own debug metrics,
/// not the runtime's private meters (<c>Private.InternalDiagnostics.*</c>, dozens of QUIC internals), and not the
/// <c>System.Runtime</c> meter, whose gauges are named <c>*_count</c> (Prometheus reserves that suffix for
/// histograms and summaries, so <c>promtool check metrics</c> rejects them), and not the meters ASP.NET Core records
/// on every request (<see cref="PerRequestMeters"/>). Process-wide and effective only before the registry is first
/// used, so it runs once, from the composition root.
/// </summary>
internal static class DefaultRegistry
{
    private const string RuntimeMeter = "System.Runtime";
    private const string PrivateMeters = "Private.";

    /// <summary>
    /// Meters that record several measurements per request: active requests up and down and the request duration
    /// (Hosting), a match attempt (Routing), and every buffer rented and returned (MemoryPool). Once the first scrape
    /// has started prometheus-net's adapter, it takes a lock and looks up a labelled child for each measurement, which
    /// under load cost the webhook more than its own decision (docs/performance.md);
    /// <c>admissionguard_admission_duration_seconds</c> already times every review. Kestrel's meters (connections,
    /// TLS handshakes) and the API client's (<c>System.Net.Http</c>) record per connection or per call to the API
    /// server, and stay.
    /// </summary>
    private static readonly HashSet<string> PerRequestMeters = new(StringComparer.Ordinal)
    {
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.MemoryPool",
    };

    private static readonly Lazy<bool> Configured = new(() =>
    {
        Prometheus.Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = instrument =>
            instrument.Meter.Name != RuntimeMeter
            && !instrument.Meter.Name.StartsWith(PrivateMeters, StringComparison.Ordinal)
            && !PerRequestMeters.Contains(instrument.Meter.Name));
        Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressProcessMetrics = false,
            SuppressMeters = false,
            SuppressEventCounters = true,
            SuppressDebugMetrics = true,
        });
        return true;
    });

    public static void Configure() => _ = Configured.Value;
}
