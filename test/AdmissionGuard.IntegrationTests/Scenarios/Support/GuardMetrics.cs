using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Tests.Support;

namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>One scrape of a guard instance's <c>/metrics</c> (Prometheus text format), as Prometheus would read it.</summary>
internal sealed class GuardMetrics
{
    private readonly ScrapedMetrics _scraped;

    private GuardMetrics(ScrapedMetrics scraped) => _scraped = scraped;

    public static async Task<GuardMetrics> ScrapeAsync(GuardInstance guard, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = guard.Addresses.Health, Timeout = TimeSpan.FromSeconds(10) };
        return new GuardMetrics(ScrapedMetrics.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken)));
    }

    /// <summary><c>admissionguard_pod_restarts_total{result="..."}</c>.</summary>
    public double Restarts(string result) => Sample("admissionguard_pod_restarts_total", ("result", result));

    /// <summary><c>admissionguard_gate_releases_total{reason="..."}</c>.</summary>
    public double GateReleases(string reason) => Sample("admissionguard_gate_releases_total", ("reason", reason));

    public double Leader => Sample("admissionguard_leader");

    public double UnmanagedPods => Sample("admissionguard_unmanaged_pods");

    public double BlockedPods => Sample("admissionguard_blocked_pods");

    public double PausedNodes => Sample("admissionguard_restart_paused_nodes");

    /// <summary>A series that must exist (every guard series is published at 0 from the start).</summary>
    public double Sample(string name, params (string Label, string Value)[] labels) => _scraped.Existing(name, labels);
}
