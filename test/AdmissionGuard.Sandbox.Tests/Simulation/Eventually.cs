using System.Threading.Channels;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>
/// Waits until a condition on the cluster holds, re-checking after every change the API makes (no polling, no
/// sleeps). With a fake clock it lets simulated time flow: when nothing changes for a moment it advances the clock
/// by a tick, so timed steps (start-up delays, backoffs) happen without the test guessing exact instants.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(25);

    public static async Task<T> Until<T>(ClusterApi api, Func<T?> probe, string what, FakeTimeProvider? clock = null, TimeSpan? tick = null)
        where T : class
    {
        T? found = null;
        await Until(api, () => (found = probe()) is not null, what, clock, tick);
        return found!;
    }

    public static async Task Until(ClusterApi api, Func<bool> condition, string what, FakeTimeProvider? clock = null, TimeSpan? tick = null)
    {
        var testToken = TestContext.Current.CancellationToken;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(testToken);
        deadline.CancelAfter(Timeout);
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var from = api.Store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var watches = ResourceTypes.All.Select(t => api.Watch(t, null, new WatchOptions { ResourceVersion = from })).ToList();
        var pumps = watches.Select(w => Task.Run(() => PumpAsync(w, changed.Writer, deadline.Token), CancellationToken.None)).ToList();
        try
        {
            while (!condition())
            {
                if (clock is null)
                {
                    await changed.Reader.ReadAsync(deadline.Token);
                    continue;
                }

                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                quiet.CancelAfter(Quiet);
                try
                {
                    await changed.Reader.ReadAsync(quiet.Token);
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    clock.Advance(tick ?? TimeSpan.FromSeconds(1));
                }
            }
        }
        catch (OperationCanceledException) when (!testToken.IsCancellationRequested)
        {
            Assert.Fail($"Timed out after {Timeout.TotalSeconds}s waiting until {what}");
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
        }
    }
}
