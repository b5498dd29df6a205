using Prometheus;

namespace AdmissionGuard.Metrics;

/// <summary>
/// What prometheus-net's default registry publishes besides the guard's own metrics: the process metrics and the
/// .NET meters, but not its EventCounter adapter, not its own debug metrics,
/// not the runtime's private meters (<c>Private.InternalDiagnostics.*</c>, dozens of QUIC internals), and not the
/// <c>System.Runtime</c> meter, whose gauges are named <c>*_count</c> (Prometheus reserves that suffix for
/// histograms and summaries, so <c>promtool check metrics</c> rejects them). Process-wide and effective only
/// before the registry is first used, so it runs once, from the composition root.
/// </summary>
internal static class DefaultRegistry
{
    private const string RuntimeMeter = "System.Runtime";
    private const string PrivateMeters = "Private.";

    private static readonly Lazy<bool> Configured = new(() =>
    {
        Prometheus.Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = instrument =>
            instrument.Meter.Name != RuntimeMeter && !instrument.Meter.Name.StartsWith(PrivateMeters, StringComparison.Ordinal));
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
