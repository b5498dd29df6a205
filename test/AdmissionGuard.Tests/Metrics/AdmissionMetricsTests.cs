using AdmissionGuard.Metrics;
using Prometheus;

namespace AdmissionGuard.Tests.Metrics;

public sealed class AdmissionMetricsTests
{
    private readonly MetricFactory _factory = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());

    [Fact]
    public void Each_operation_and_decision_is_counted_in_its_own_series_however_often_it_recurs()
    {
        var metrics = new AdmissionMetrics(_factory);

        metrics.Record("mutate_pod", "gated", TimeSpan.FromMilliseconds(1));
        metrics.Record("mutate_pod", "gated", TimeSpan.FromMilliseconds(3));
        metrics.Record("mutate_pod", "allowed", TimeSpan.FromMilliseconds(2));
        metrics.Record("validate_binding", "denied", TimeSpan.FromMilliseconds(4));

        var requests = _factory.CreateCounter("admissionguard_admission_requests_total", "", ["operation", "decision"]);
        requests.WithLabels("mutate_pod", "gated").Value.Should().Be(2);
        requests.WithLabels("mutate_pod", "allowed").Value.Should().Be(1);
        requests.WithLabels("validate_binding", "denied").Value.Should().Be(1);
        var duration = _factory.CreateHistogram("admissionguard_admission_duration_seconds", "", ["operation"]);
        duration.WithLabels("mutate_pod").Count.Should().Be(3);
        duration.WithLabels("mutate_pod").Sum.Should().BeApproximately(0.006, 1e-9);
        duration.WithLabels("validate_binding").Count.Should().Be(1);
    }

    [Fact]
    public void Instances_over_one_registry_add_to_the_same_series()
    {
        new AdmissionMetrics(_factory).Record("validate_pod", "allowed", TimeSpan.Zero);
        new AdmissionMetrics(_factory).Record("validate_pod", "allowed", TimeSpan.Zero);

        _factory.CreateCounter("admissionguard_admission_requests_total", "", ["operation", "decision"])
            .WithLabels("validate_pod", "allowed").Value.Should().Be(2);
    }
}
