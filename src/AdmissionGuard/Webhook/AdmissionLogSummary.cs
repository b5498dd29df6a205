namespace AdmissionGuard.Webhook;

/// <summary>
/// Counts answers by decision and logs them once per <see cref="Interval"/>: one Information line instead of one per
/// request (those are at Debug), and at most one Warning per interval for requests that could not be read, with the
/// latest reason, so that a flood of malformed requests cannot flood the log.
/// </summary>
internal sealed class AdmissionLogSummary(TimeProvider timeProvider, ILogger<AdmissionLogSummary> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private static readonly string[] Decisions = ["allowed", "warned", "gated", "denied", "skipped", Operations.Invalid, Operations.Error];

    private readonly long[] _counts = new long[Decisions.Length];

    // Started with the service's construction, not in ExecuteAsync (which runs on the thread pool), so the first
    // interval begins at a known moment.
    private readonly PeriodicTimer _timer = new(Interval, timeProvider);
    private string? _latestRejection;

    public void Count(WebhookAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        Interlocked.Increment(ref _counts[Array.IndexOf(Decisions, answer.Decision)]);
        if (answer is RejectedAnswer rejected)
        {
            Volatile.Write(ref _latestRejection, rejected.Reason);
        }
    }

    /// <summary>Logs what was counted since the last call and starts counting afresh (nothing when nothing was).</summary>
    public void Flush()
    {
        var counts = new long[Decisions.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Exchange(ref _counts[i], 0);
        }

        var total = counts.Sum();
        if (total == 0)
        {
            return;
        }

        var byDecision = string.Join(", ", Decisions.Zip(counts).Where(d => d.Second > 0).Select(d => $"{d.Second} {d.First}"));
        WebhookLog.Summary(logger, total, Interval, byDecision);
        var invalid = counts[Array.IndexOf(Decisions, Operations.Invalid)];
        if (invalid > 0)
        {
            WebhookLog.RejectedSummary(logger, invalid, Interval, Interlocked.Exchange(ref _latestRejection, null) ?? "");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                Flush();
            }
        }
        catch (OperationCanceledException)
        {
            Flush();
        }
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }
}
