using AdmissionGuard.Cluster;
using AdmissionGuard.Leadership;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Reconciler;

/// <summary>
/// Runs a cycle every interval and whenever the trigger is pulsed, but only while this instance leads and
/// the caches are synced. Pulses arriving less than <see cref="MinimumSpacing"/> after a cycle began wait for
/// it, so a burst of watch events costs one cycle, not hundreds.
/// </summary>
internal sealed class ReconcileLoop(
    ReconcileCycle cycle,
    ReconcileTrigger trigger,
    ReconcilerSettings settings,
    ILeadership leadership,
    IClusterCacheStatus caches,
    TimeProvider time,
    ILogger<ReconcileLoop> logger) : BackgroundService
{
    public static readonly TimeSpan MinimumSpacing = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The interval timer only pulses the trigger: one wake-up path for timer, watch events and leadership.
        using var timer = time.CreateTimer(static state => ((ReconcileTrigger)state!).Pulse(), trigger, settings.Interval, settings.Interval);
        var waitingLogged = false;
        long? lastCycleStart = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (leadership.IsLeader && caches.Synced)
            {
                lastCycleStart = time.GetTimestamp();
                await RunCycleAsync(stoppingToken);
            }
            else if (leadership.IsLeader && !waitingLogged)
            {
                ReconcilerLog.WaitingForCaches(logger);
                waitingLogged = true;
            }

            try
            {
                await trigger.WaitAsync(stoppingToken);
                var sinceCycle = lastCycleStart is { } start ? time.GetElapsedTime(start) : MinimumSpacing;
                if (sinceCycle < MinimumSpacing)
                {
                    await Task.Delay(MinimumSpacing - sinceCycle, time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RunCycleAsync(CancellationToken stoppingToken)
    {
        try
        {
            await cycle.RunOnceAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-cycle: the next leader starts over from the snapshot.
        }
#pragma warning disable CA1031 // One bad cycle (a bug, an unexpected API answer) must not stop healing for good.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ReconcilerLog.CycleFailed(logger, e);
        }
    }
}
