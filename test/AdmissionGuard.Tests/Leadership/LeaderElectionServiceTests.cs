using AdmissionGuard.Configuration;
using AdmissionGuard.Leadership;
using AdmissionGuard.Metrics;
using AdmissionGuard.Reconciler;
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

    // The elector runs on real time (KubernetesClient reads the clock itself): retries are short so the test is
    // quick, renewals generous so a loaded machine does not lose the Lease mid-test.
    private LeaderElectionService Service(bool enabled) => new(
        Microsoft.Extensions.Options.Options.Create(new LeaderElectionOptions
        {
            Enabled = enabled,
            LeaseDuration = TimeSpan.FromSeconds(30),
            RenewDeadline = TimeSpan.FromSeconds(20),
            RetryPeriod = TimeSpan.FromMilliseconds(20),
        }),
        () => _lease,
        _state,
        new FakeTimeProvider(),
        NullLogger<LeaderElectionService>.Instance);

    private static async Task Eventually(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            timeout.IsCancellationRequested.Should().BeFalse(what);
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Without_leader_election_this_instance_always_leads()
    {
        using var service = Service(enabled: false);

        await service.StartAsync(TestContext.Current.CancellationToken);
        await Eventually(() => _state.IsLeader, "leading");

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
        await Eventually(() => _state.IsLeader, "winning the free Lease");
        _metrics.Leader.Value.Should().Be(1);
        _lease.Lease.Record!.HolderIdentity.Should().Be("me");

        await service.StopAsync(TestContext.Current.CancellationToken);

        _state.IsLeader.Should().BeFalse();
        _metrics.Leader.Value.Should().Be(0);
        _lease.Lease.Record!.HolderIdentity.Should().BeEmpty("the Lease is released for the next replica");
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
