using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Benchmarks.Healing;

/// <summary>
/// Moves the scenario's one simulated clock once the cluster has been quiet: straight to the next due timer (nothing
/// can happen before it), but only while the rest of the process is idle (<see cref="ProcessActivity"/>), so work still
/// in progress (a watch event on its way, a cycle between two API calls) is never skipped over. Work that stays busy
/// through <see cref="Patience"/> quiet periods in a row does not hold the clock forever: it moves anyway, and such
/// moves are counted as forced and printed with the results.
/// </summary>
internal sealed class SimulatedTimeDriver(TimerJumpingClock clock, TimeSpan fallback)
{
    private const int Patience = 20;
    // Half a CPU: the threads that woke this check (timer, thread pool) and the runtime's background work stay below it.
    private const double IdleLoad = 0.5;
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(5);
    private int _busyPeriods;

    public int Moves { get; private set; }

    public int Forced { get; private set; }

    /// <summary>Called after each quiet period of the cluster.</summary>
    public void Advance()
    {
        var load = ProcessActivity.OtherThreadsLoad(Sample);
        if (load > IdleLoad && ++_busyPeriods < Patience)
        {
            return;
        }

        Forced += _busyPeriods >= Patience ? 1 : 0;
        _busyPeriods = 0;
        Moves++;
        clock.AdvanceToNextTimer(fallback);
    }
}
