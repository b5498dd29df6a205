using System.Globalization;
using System.Threading.Channels;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// Waits until a condition on the cluster holds, re-checking after every change the API makes (no polling, no
/// sleeps). Given a way to advance a fake clock, it lets simulated time flow: when nothing changes for a quiet
/// moment it advances the clock by a tick, so timed steps (start-up delays, backoffs, reconcile intervals) happen
/// without the caller guessing exact instants. Shared by the tests and the benchmark scenarios.
/// </summary>
public static class ClusterWait
{
    public static readonly TimeSpan DefaultQuiet = TimeSpan.FromMilliseconds(25);

    /// <param name="api">The cluster whose changes wake the check.</param>
    /// <param name="condition">Checked at once and after every change.</param>
    /// <param name="timeout">Real time to give up after.</param>
    /// <param name="advanceTime">Moves the fake clock on by one tick; null when the cluster runs on real time.</param>
    /// <param name="quiet">Real time without a change after which the clock is advanced.</param>
    /// <param name="cancellationToken">Stops waiting (throws).</param>
    /// <returns>True once <paramref name="condition"/> holds; false when <paramref name="timeout"/> passed first.</returns>
    public static async Task<bool> UntilAsync(
        ClusterApi api,
        Func<bool> condition,
        TimeSpan timeout,
        Action? advanceTime = null,
        TimeSpan? quiet = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(condition);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var from = api.Store.Revision.ToString(CultureInfo.InvariantCulture);
        var watches = ResourceTypes.All.Select(t => api.Watch(t, null, new WatchOptions { ResourceVersion = from })).ToList();
        var pumps = watches.Select(w => Task.Run(() => PumpAsync(w, changed.Writer, deadline.Token), CancellationToken.None)).ToList();
        try
        {
            while (!condition())
            {
                if (advanceTime is null)
                {
                    await changed.Reader.ReadAsync(deadline.Token);
                    continue;
                }

                using var quietPeriod = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                quietPeriod.CancelAfter(quiet ?? DefaultQuiet);
                try
                {
                    await changed.Reader.ReadAsync(quietPeriod.Token);
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    advanceTime();
                }
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            await deadline.CancelAsync();
            watches.ForEach(w => w.Dispose());
            await Task.WhenAll(pumps);
        }
    }

    private static async Task PumpAsync(WatchSubscription watch, ChannelWriter<bool> changed, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in watch.ReadAllAsync(cancellationToken))
            {
                changed.TryWrite(true);
            }
        }
        catch (OperationCanceledException)
        {
            // The wait is over.
        }
    }
}
