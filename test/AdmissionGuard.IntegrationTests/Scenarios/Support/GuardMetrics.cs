using System.Globalization;
using AdmissionGuard.Playground;

namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>One scrape of a guard instance's <c>/metrics</c> (Prometheus text format), as Prometheus would read it.</summary>
internal sealed class GuardMetrics
{
    private readonly Dictionary<string, double> _samples;

    private GuardMetrics(Dictionary<string, double> samples) => _samples = samples;

    public static async Task<GuardMetrics> ScrapeAsync(GuardInstance guard, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = guard.Addresses.Health, Timeout = TimeSpan.FromSeconds(10) };
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = line.LastIndexOf(' ');
            if (line.StartsWith('#') || separator < 0)
            {
                continue;
            }

            samples[line[..separator]] = double.Parse(line[(separator + 1)..], CultureInfo.InvariantCulture);
        }

        return new GuardMetrics(samples);
    }

    /// <summary><c>admissionguard_pod_restarts_total{result="..."}</c>.</summary>
    public double Restarts(string result) => Sample($"admissionguard_pod_restarts_total{{result=\"{result}\"}}");

    /// <summary><c>admissionguard_gate_releases_total{reason="..."}</c>.</summary>
    public double GateReleases(string reason) => Sample($"admissionguard_gate_releases_total{{reason=\"{reason}\"}}");

    public double Leader => Sample("admissionguard_leader");

    public double UnmanagedPods => Sample("admissionguard_unmanaged_pods");

    public double BlockedPods => Sample("admissionguard_blocked_pods");

    public double PausedNodes => Sample("admissionguard_restart_paused_nodes");

    /// <summary>A series that must exist (every guard series is published at 0 from the start).</summary>
    public double Sample(string series) =>
        _samples.TryGetValue(series, out var value)
            ? value
            : throw new KeyNotFoundException($"/metrics has no series {series}; it has {string.Join(", ", _samples.Keys.Where(k => k.StartsWith("admissionguard_", StringComparison.Ordinal)))}");
}
