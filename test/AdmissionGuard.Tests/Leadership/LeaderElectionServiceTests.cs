using AdmissionGuard.Configuration;
using AdmissionGuard.Leadership;
using AdmissionGuard.Metrics;
using AdmissionGuard.Reconciler;
using k8s.LeaderElection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Tests.Leadership;

public sealed class LeaderElectionServiceTests
{
    private readonly ReconcilerMetrics _metrics = new(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry()));
    private readonly ReconcileTrigger _trigger = new();
    private readonly LeadershipState _state;
    private readonly InMemoryLock _lease = new("me");

    public LeaderElectionServiceTests() =>
        _state = new LeadershipState(_metrics, _trigger, NullLogger<LeadershipState>.Instance);

    // The elector reads the system clock itself (KubernetesClient has no clock to inject): the tests never wait for
    // its timing, only for explicit signals; the lease duration and renew deadline are long enough that a loaded
    // machine does not lose the Lease mid-test.
    private LeaderElectionService Service(bool enabled, ILock? lease = null) => new(
        Microsoft.Extensions.Options.Options.Create(new LeaderElectionOptions
        {
            Enabled = enabled,
            LeaseDuration = TimeSpan.FromSeconds(30),
            RenewDeadline = TimeSpan.FromSeconds(20),
            RetryPeriod = TimeSpan.FromMilliseconds(20),
        }),
        () => lease ?? _lease,
        _state,
        new FakeTimeProvider(),
        NullLogger<LeaderElectionService>.Instance);

    /// <summary>Gaining leadership pulses the reconcile trigger: an explicit signal, no polling of a background loop.</summary>
    private Task LeadingAsync() =>
        _trigger.WaitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Without_leader_election_this_instance_always_leads()
    {
        using var service = Service(enabled: false);

        await service.StartAsync(TestContext.Current.CancellationToken);
        await LeadingAsync();

        _state.IsLeader.Should().BeTrue();

        _metrics.Leader.Value.Should().Be(1);
        _lease.Lease.Record.Should().BeNull("no Lease is touched");
        await service.StopAsync(TestContext.Current.CancellationToken);
        _metrics.Leader.Value.Should().Be(0);
    }

    [Fact]
    public async Task Wins_the_free_lease_leads_and_releases_it_on_shutdown()
    {
        using var service = Service(enabled: true);

        await service.StartAsync(TestContext.Current.CancellationToken);
        await LeadingAsync();

        _state.IsLeader.Should().BeTrue("it won the free Lease");
        _metrics.Leader.Value.Should().Be(1);
        _lease.Lease.Record!.HolderIdentity.Should().Be("me");

        await service.StopAsync(TestContext.Current.CancellationToken);

        _state.IsLeader.Should().BeFalse();
        _metrics.Leader.Value.Should().Be(0);
        _lease.Lease.Record!.HolderIdentity.Should().BeEmpty("the Lease is released for the next replica");
    }

    [Fact]
    public async Task A_renewal_read_before_shutdown_cannot_take_the_released_Lease_back()
    {
        var lease = new RenewalInFlightLock(_lease);
        using var service = Service(enabled: true, lease);
        await service.StartAsync(TestContext.Current.CancellationToken);
        await LeadingAsync();
        var renewal = await lease.NextGetHeldAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        await service.StopAsync(TestContext.Current.CancellationToken);
        _lease.Lease.Record!.HolderIdentity.Should().BeEmpty("released");
        // The elector's renewal task outlives the service: it now gets the answer it asked for before the release
        // (its continuation runs inline, so it has written, or been refused, when this returns).
        renewal.Answer();

        _lease.Lease.Record!.HolderIdentity.Should().BeEmpty("the renewal in flight must not write after the release");
        _state.IsLeader.Should().BeFalse();
    }

    [Fact]
    public async Task Gaining_leadership_pulses_the_reconciler()
    {
        _state.Set(true);

        await _trigger.WaitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        _metrics.Leader.Value.Should().Be(1);
    }

    [Fact]
    public void Losing_leadership_zeroes_the_gauges_only_the_leader_keeps()
    {
        _state.Set(true);
        _metrics.UnmanagedPods.Set(3);
        _metrics.GatedPods.Set(2);

        _state.Set(false);

        _metrics.Leader.Value.Should().Be(0);
        _metrics.UnmanagedPods.Value.Should().Be(0);
        _metrics.GatedPods.Value.Should().Be(0);
    }
}
