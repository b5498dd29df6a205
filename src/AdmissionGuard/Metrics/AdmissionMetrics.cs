using System.Collections.Concurrent;
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

    // The labelled children, found once per label pair: prometheus-net's own lookup takes a reader-writer lock that
    // the request threads of both cores contend for. The label values come from small fixed sets (Operations, outcomes).
    private readonly ConcurrentDictionary<(string Operation, string Decision), Counter.Child> _requestsBy = new();
    private readonly ConcurrentDictionary<string, Histogram.Child> _durationBy = new(StringComparer.Ordinal);

    public void Record(string operation, string decision, TimeSpan elapsed)
    {
        _requestsBy.GetOrAdd((operation, decision), static (labels, requests) => requests.WithLabels(labels.Operation, labels.Decision), _requests).Inc();
        _durationBy.GetOrAdd(operation, static (label, duration) => duration.WithLabels(label), _duration).Observe(elapsed.TotalSeconds);
    }
}
