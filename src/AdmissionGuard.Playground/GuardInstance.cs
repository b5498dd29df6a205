using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Leadership;

namespace AdmissionGuard.Playground;

/// <summary>One guard running in process on the sandbox, composed exactly as <c>serve</c> composes it.</summary>
internal sealed class GuardInstance : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<GuardInstance, ValueTask> _stopped;
    private int _running = 1;

    internal GuardInstance(string identity, WebApplication app, GuardAddresses addresses, Func<GuardInstance, ValueTask> stopped)
    {
        Identity = identity;
        _app = app;
        Addresses = addresses;
        _stopped = stopped;
    }

    /// <summary>Its <c>LeaderElection:Identity</c> (the holder name in the Lease).</summary>
    public string Identity { get; }

    /// <summary>Where its webhook (HTTPS) and health/metrics (HTTP) listen.</summary>
    public GuardAddresses Addresses { get; }

    /// <summary>Its services (e.g. <see cref="IClusterSnapshot"/>, <c>ClusterCaches</c>, <c>ILeadership</c>).</summary>
    public IServiceProvider Services => _app.Services;

    public bool IsRunning => Volatile.Read(ref _running) == 1;

    /// <summary>Holds the Lease right now (always false once stopped).</summary>
    public bool IsLeader => IsRunning && Services.GetRequiredService<ILeadership>().IsLeader;

    /// <summary>Whether this instance's cache sees a fresh leader Lease, i.e. whether its webhook gates.</summary>
    public bool SeesLeader => IsRunning && Services.GetRequiredService<IClusterSnapshot>().GateReleaserAlive;

    /// <summary>A graceful stop, as on SIGTERM: the leader releases the Lease, so another instance takes over at once.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _running, 0) == 0)
        {
            return;
        }

        await _stopped(this);
        await _app.StopAsync(cancellationToken);
        await _app.DisposeAsync();
    }

    /// <summary>
    /// A crash: the instance stops without shutting down, so a leader does NOT release its Lease and another
    /// instance takes over only once the Lease expires (<c>LeaderElection:LeaseDuration</c>).
    /// </summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _running, 0) == 0)
        {
            return;
        }

        await _stopped(this);
        // Disposing without StopAsync cancels the background services and closes the listeners, but runs no
        // hosted service's StopAsync: the Lease stays held as after a crash.
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
