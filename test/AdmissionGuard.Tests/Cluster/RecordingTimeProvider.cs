using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Tests.Cluster;

/// <summary>A <see cref="FakeTimeProvider"/> that tells the test which delays the code under test started.</summary>
internal sealed class RecordingTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _started = Channel.CreateUnbounded<TimeSpan>();

    public RecordingTimeProvider()
        : base(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _started.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer of exactly <paramref name="dueTime"/> has been started; fails after 10 s.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<TimeSpan>();
        try
        {
            while (true)
            {
                var started = await _started.Reader.ReadAsync(patience.Token);
                if (started == dueTime)
                {
                    return;
                }

                seen.Add(started);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no timer of {dueTime} started; saw {string.Join(", ", seen)}");
        }
    }

    /// <summary>Waits for the delay to start, then lets it pass.</summary>
    public async Task PassAsync(TimeSpan delay)
    {
        await WaitForTimerAsync(delay);
        Advance(delay);
    }
}
