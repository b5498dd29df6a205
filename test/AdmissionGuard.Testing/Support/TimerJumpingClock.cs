using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows when its next timer is due, so a simulation can move the clock straight
/// there when nothing else happens instead of in fixed ticks. Nothing can happen between two timers of the one clock
/// that drives everything (a quiet system only wakes on a timer), so the jump skips no event and lands on the due time
/// exactly; fixed ticks overshoot it by up to a tick. Every delay, timeout and periodic timer on this clock
/// (<see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>, CancelAfter, CreateTimer) is seen.
/// </summary>
public sealed class TimerJumpingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly HashSet<TrackedTimer> _timers = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this);
        timer.Schedule(dueTime, period);
        timer.Inner = base.CreateTimer(callback, state, dueTime, period);
        return timer;
    }

    /// <summary>When the earliest timer fires next; null when none is pending.</summary>
    public DateTimeOffset? NextDue()
    {
        var now = GetUtcNow();
        lock (_gate)
        {
            DateTimeOffset? next = null;
            foreach (var timer in _timers.ToList())
            {
                if (timer.NextAfter(now) is not { } due)
                {
                    _timers.Remove(timer);
                }
                else if (next is null || due < next)
                {
                    next = due;
                }
            }

            return next;
        }
    }

    /// <summary>Advances to the next due timer (firing it), or by <paramref name="fallback"/> when no timer is pending.</summary>
    /// <returns>How far the clock moved.</returns>
    public TimeSpan AdvanceToNextTimer(TimeSpan fallback)
    {
        var step = NextDue() is { } due ? due - GetUtcNow() : fallback;
        Advance(step);
        return step;
    }

    private sealed class TrackedTimer(TimerJumpingClock clock) : ITimer
    {
        private DateTimeOffset? _due;
        private TimeSpan _period;

        public ITimer Inner { get; set; } = null!;

        public void Schedule(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                _due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
                _period = period;
                if (_due is null)
                {
                    clock._timers.Remove(this);
                }
                else
                {
                    clock._timers.Add(this);
                }
            }
        }

        /// <summary>The first firing after <paramref name="now"/>; null once a one-shot timer has fired.</summary>
        public DateTimeOffset? NextAfter(DateTimeOffset now)
        {
            if (_due is not { } due)
            {
                return null;
            }

            if (due > now)
            {
                return due;
            }

            if (_period <= TimeSpan.Zero || _period == Timeout.InfiniteTimeSpan)
            {
                return null;
            }

            var periods = ((now - due).Ticks / _period.Ticks) + 1;
            return due + (_period * periods);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Schedule(dueTime, period);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            Forget();
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Forget();
            return Inner.DisposeAsync();
        }

        private void Forget()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
            }
        }
    }
}
