using System.Globalization;
using System.Threading.Channels;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// Drives one <see cref="IController"/>: a watch per watched type wakes it (bursts collapse into one pass), and it
/// also wakes on the resync interval and at the time the last pass asked for. All waiting uses
/// <see cref="ClusterApi.Time"/>, so a FakeTimeProvider controls every timed step.
/// </summary>
internal sealed class ControllerLoop(IController controller, ClusterApi api, TimeSpan resyncInterval, ILogger logger) : IAsyncDisposable
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private CancellationTokenSource? _stop;
    private Task _running = Task.CompletedTask;

    public void Start()
    {
        if (_stop is not null)
        {
            throw new InvalidOperationException($"controller {controller.Name} is already running");
        }

        _stop = new CancellationTokenSource();
        var token = _stop.Token;
        _running = Task.WhenAll([Task.Run(() => RunAsync(token), token), .. controller.WatchedTypes.Select(t => Task.Run(() => PumpAsync(t, token), token))]);
    }

    public async Task StopAsync()
    {
        if (_stop is null)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopping cancels the loop: expected.
        }

        _stop.Dispose();
        _stop = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var time = api.Time;
        while (!cancellationToken.IsCancellationRequested)
        {
            _wake.Reader.TryRead(out _);
            DateTimeOffset? due = null;
            try
            {
                due = await controller.ReconcileAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A simulated controller outlives a failed pass, as a real one does; the next pass retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                SimulationLog.PassFailed(logger, controller.Name, e);
            }

            var delay = resyncInterval;
            if (due is { } at)
            {
                var untilDue = at - time.GetUtcNow();
                delay = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue < delay ? untilDue : delay;
            }

            await WaitAsync(delay, time, cancellationToken);
        }
    }

    private async Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        if (delay == TimeSpan.Zero)
        {
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _wake.Reader.WaitToReadAsync(waiting.Token).AsTask();
        var elapsed = Task.Delay(delay, time, waiting.Token);
        await Task.WhenAny(woken, elapsed);
        await waiting.CancelAsync();
    }

    private async Task PumpAsync(ResourceType type, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // From the current revision: the first pass sees what already exists, the watch only what changes.
                var from = api.Store.Revision.ToString(CultureInfo.InvariantCulture);
                using var watch = api.Watch(type, null, new WatchOptions { ResourceVersion = from });
                _wake.Writer.TryWrite(true);
                await foreach (var _ in watch.ReadAllAsync(cancellationToken))
                {
                    _wake.Writer.TryWrite(true);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (WatchOverflowException e)
            {
                SimulationLog.WatchRestarted(logger, controller.Name, type.ToString(), e.Message);
            }
        }
    }
}
