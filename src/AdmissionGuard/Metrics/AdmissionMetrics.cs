using Prometheus;

namespace AdmissionGuard.Metrics;

/// <summary>
/// Admission counters in the guard's metrics registry (names are a fixed contract). The
/// <c>operation</c> label says which webhook saw what: mutate_pod, validate_pod, validate_binding,
/// mutate_other, validate_other, or mutate_invalid / validate_invalid for unreadable requests.
/// </summary>
/// <param name="factory">Over the registry <c>/metrics</c> serves; prometheus-net returns the collector already
/// registered under a name, so instances over one registry share their counters.</param>
internal sealed class AdmissionMetrics(IMetricFactory factory)
{
    // Recorded on every admission request: prometheus-net would otherwise take an exemplar from the request's Activity
    // each time, for a trace id that nothing here collects.
    private static readonly ExemplarBehavior NoExemplars = ExemplarBehavior.NoExemplars();

    private readonly Counter _requests = factory.CreateCounter(
        "admissionguard_admission_requests_total",
        "Admission requests answered, by operation and decision (allowed, warned, gated, denied, skipped, invalid, error).",
        new CounterConfiguration { LabelNames = ["operation", "decision"], ExemplarBehavior = NoExemplars });

    private readonly Histogram _duration = factory.CreateHistogram(
        "admissionguard_admission_duration_seconds",
        "Time to answer an admission request, from reading the body to writing the response.",
        new HistogramConfiguration
        {
            LabelNames = ["operation"],
            Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14),
            ExemplarBehavior = NoExemplars,
        });

    public void Record(string operation, string decision, TimeSpan elapsed)
    {
        // Label values as spans: prometheus-net then finds the existing child without allocating a label array.
        _requests.WithLabels([operation, decision]).Inc();
        _duration.WithLabels([operation]).Observe(elapsed.TotalSeconds);
    }
}
