using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Sandbox.Tests.Support;

public sealed class TimerJumpingClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Fallback = TimeSpan.FromSeconds(1);

    [Fact]
    public void It_jumps_to_the_earliest_pending_timer_and_fires_it()
    {
        var clock = new TimerJumpingClock(Start);
        var fired = new List<string>();
        using var late = clock.CreateTimer(_ => fired.Add("late"), null, TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add("early"), null, TimeSpan.FromSeconds(10.5), Timeout.InfiniteTimeSpan);

        clock.AdvanceToNextTimer(Fallback).Should().Be(TimeSpan.FromSeconds(10.5));
        fired.Should().Equal("early");

        clock.AdvanceToNextTimer(Fallback).Should().Be(TimeSpan.FromSeconds(19.5));
        fired.Should().Equal("early", "late");
        clock.GetUtcNow().Should().Be(Start + TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_periodic_timer_is_due_again_one_period_later()
    {
        var clock = new TimerJumpingClock(Start);
        var ticks = 0;
        using var timer = clock.CreateTimer(_ => ticks++, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

        clock.AdvanceToNextTimer(Fallback);
        clock.AdvanceToNextTimer(Fallback);

        ticks.Should().Be(2);
        clock.NextDue().Should().Be(Start + TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Disposed_changed_and_stopped_timers_are_not_waited_for()
    {
        var clock = new TimerJumpingClock(Start);
        var disposed = clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        disposed.Dispose();
        await using var stopped = clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        stopped.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        using var moved = clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        moved.Change(TimeSpan.FromSeconds(7), Timeout.InfiniteTimeSpan);

        clock.NextDue().Should().Be(Start + TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task A_delay_on_the_clock_completes_after_one_jump()
    {
        var clock = new TimerJumpingClock(Start);
        var delay = Task.Delay(TimeSpan.FromSeconds(42), clock, TestContext.Current.CancellationToken);

        clock.AdvanceToNextTimer(Fallback);

        await delay.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        clock.GetUtcNow().Should().Be(Start + TimeSpan.FromSeconds(42));
    }

    [Fact]
    public void Without_timers_it_moves_by_the_fallback()
    {
        var clock = new TimerJumpingClock(Start);

        clock.AdvanceToNextTimer(Fallback).Should().Be(Fallback);

        clock.NextDue().Should().BeNull();
    }
}
