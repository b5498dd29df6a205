using AdmissionGuard.Configuration;
using k8s.Autorest;
using k8s.LeaderElection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Leadership;

/// <summary>
/// Campaigns for the Lease with KubernetesClient's <see cref="LeaderElector"/>, keeps <see cref="LeadershipState"/>
/// current, and on shutdown (SIGTERM stops the host) releases the Lease so a standby replica takes over at once.
/// With <c>LeaderElection:Enabled=false</c> this instance always leads.
/// </summary>
internal sealed class LeaderElectionService(
    IOptions<LeaderElectionOptions> options,
    Func<ILock> leaseFactory,
    LeadershipState state,
    TimeProvider time,
    ILogger<LeaderElectionService> logger) : BackgroundService
{
    private readonly LeaderElectionOptions _options = options.Value;
    private ILock? _lease;
    private ElectorLease? _electorLease;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LeadershipLog.AlwaysLeading(logger);
            state.Set(true);
            return;
        }

        _lease = leaseFactory();
        LeadershipLog.Campaigning(logger, _lease.Describe(), _lease.Identity);
        _electorLease = new ElectorLease(_lease);
        using var elector = new LeaderElector(new LeaderElectionConfig(_electorLease)
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        });
        elector.OnStartedLeading += () => state.Set(true);
        elector.OnStoppedLeading += () => state.Set(false);
        elector.OnNewLeader += leader => LeadershipLog.NewLeader(logger, leader ?? "");
        elector.OnError += e => LeadershipLog.ElectionError(logger, e);
        try
        {
            await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: StopAsync releases the Lease.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var wasLeading = state.IsLeader;
        await base.StopAsync(cancellationToken);
        if (_electorLease is not null)
        {
            await _electorLease.CloseAsync();
        }

        state.Set(false);
        if (_lease is null || !wasLeading)
        {
            return;
        }

        try
        {
            if (await LeaseRelease.ReleaseAsync(_lease, time, cancellationToken))
            {
                LeadershipLog.Released(logger, _lease.Describe());
            }
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            LeadershipLog.ReleaseFailed(logger, e, _lease.Describe());
        }
    }

    public override void Dispose()
    {
        _electorLease?.Dispose();
        base.Dispose();
    }
}
