using AdmissionGuard.Leadership;
using k8s.LeaderElection;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Tests.Leadership;

public sealed class LeaseReleaseTests
{
    private static readonly DateTime Then = new(2026, 1, 1, 11, 0, 0, DateTimeKind.Utc);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private static LeaderElectionRecord HeldBy(string holder) => new()
    {
        HolderIdentity = holder,
        LeaseDurationSeconds = 15,
        AcquireTime = Then,
        RenewTime = Then,
        LeaderTransitions = 3,
    };

    [Fact]
    public async Task The_holder_clears_the_lease_to_an_empty_holder_that_expires_at_once()
    {
        var lease = new InMemoryLock("me");
        lease.Lease.Record = HeldBy("me");

        var released = await LeaseRelease.ReleaseAsync(lease, _time, TestContext.Current.CancellationToken);

        released.Should().BeTrue();
        lease.Lease.Record.Should().BeEquivalentTo(new LeaderElectionRecord
        {
            HolderIdentity = "",
            LeaseDurationSeconds = 1,
            AcquireTime = _time.GetUtcNow().UtcDateTime,
            RenewTime = _time.GetUtcNow().UtcDateTime,
            LeaderTransitions = 3,
        });
    }

    [Fact]
    public async Task Someone_elses_lease_is_left_alone()
    {
        var lease = new InMemoryLock("me");
        lease.Lease.Record = HeldBy("other");

        (await LeaseRelease.ReleaseAsync(lease, _time, TestContext.Current.CancellationToken)).Should().BeFalse();

        lease.Lease.Updates.Should().Be(0);
        lease.Lease.Record!.HolderIdentity.Should().Be("other");
    }

    [Fact]
    public async Task A_released_lease_is_taken_over_by_a_waiting_replica_at_its_next_try()
    {
        var store = new InMemoryLock.Store { Record = HeldBy("me") };
        await LeaseRelease.ReleaseAsync(new InMemoryLock("me", store), _time, TestContext.Current.CancellationToken);
        var standby = new LeaderElector(new LeaderElectionConfig(new InMemoryLock("standby", store))
        {
            LeaseDuration = TimeSpan.FromMinutes(10),
            RenewDeadline = TimeSpan.FromMinutes(5),
            RetryPeriod = TimeSpan.FromMilliseconds(20),
        });
        var leading = new TaskCompletionSource();
        standby.OnStartedLeading += () => leading.TrySetResult();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = standby.RunUntilLeadershipLostAsync(stop.Token);
        await leading.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Task.WhenAny(run);

        store.Record!.HolderIdentity.Should().Be("standby", "an empty holder is free long before the 10-minute lease duration");
    }
}
