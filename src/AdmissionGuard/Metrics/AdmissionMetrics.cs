using Prometheus;

namespace AdmissionGuard.Metrics;

/// <summary>
/// Admission counters in prometheus-net's default registry (names are a fixed contract). The
/// <c>operation</c> label says which webhook saw what: mutate_pod, validate_pod, validate_binding,
/// mutate_other, validate_other, or mutate_invalid / validate_invalid for unreadable requests.
/// </summary>
internal sealed class AdmissionMetrics
{
    // prometheus-net returns the already registered collector for a known name, so instances share them.
    private readonly Counter _requests = Prometheus.Metrics.CreateCounter(
        "admissionguard_admission_requests_total",
        "Admission requests answered, by operation and decision (allowed, warned, gated, denied, skipped, invalid, error).",
        new CounterConfiguration { LabelNames = ["operation", "decision"] });

    private readonly Histogram _duration = Prometheus.Metrics.CreateHistogram(
        "admissionguard_admission_duration_seconds",
        "Time to answer an admission request, from reading the body to writing the response.",
        new HistogramConfiguration
        {
            LabelNames = ["operation"],
            Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14),
        });

    public void Record(string operation, string decision, TimeSpan elapsed)
    {
        _requests.WithLabels(operation, decision).Inc();
        _duration.WithLabels(operation).Observe(elapsed.TotalSeconds);
    }
}
