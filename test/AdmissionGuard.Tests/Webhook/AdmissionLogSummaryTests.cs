using AdmissionGuard.Core.Admission;
using AdmissionGuard.Tests.Support;
using AdmissionGuard.Webhook;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Tests.Webhook;

public sealed class AdmissionLogSummaryTests
{
    [Fact]
    public async Task Each_interval_logs_one_information_line_by_decision_and_at_most_one_warning_for_malformed_requests()
    {
        var time = new FakeTimeProvider();
        using var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        using var summary = new AdmissionLogSummary(time, factory.CreateLogger<AdmissionLogSummary>());
        await summary.StartAsync(TestContext.Current.CancellationToken);
        var gated = new ReviewAnswer("mutate_pod", "u", new AdmissionDecision { Outcome = AdmissionOutcome.Gated });
        summary.Count(gated);
        summary.Count(gated);
        summary.Count(new RejectedAnswer("mutate_invalid", 400, "first reason"));
        summary.Count(new RejectedAnswer("validate_invalid", 400, "the body is not valid JSON"));

        time.Advance(AdmissionLogSummary.Interval);
        await Wait.UntilAsync(() => logs.At(LogLevel.Information).Any(), "the summary is logged");

        logs.At(LogLevel.Information).Should().ContainSingle().Which.Should().Be("Answered 4 admission requests in the last 00:01:00: 2 gated, 2 invalid");
        logs.At(LogLevel.Warning).Should().ContainSingle().Which.Should().EndWith("the latest: the body is not valid JSON");

        time.Advance(AdmissionLogSummary.Interval);
        await summary.StopAsync(TestContext.Current.CancellationToken);
        logs.At(LogLevel.Information).Should().ContainSingle("nothing was answered since");
    }
}
