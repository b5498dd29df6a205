using AdmissionGuard.Leadership;
using AdmissionGuard.Reconciler;
using Microsoft.Extensions.Logging.Abstractions;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class ReconcileLoopTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ReconcilerHarness _harness = new();
    private readonly ReconcileTrigger _trigger = new();
    private readonly LeadershipState _leadership;
    private ReconcileLoop? _loop;

    public ReconcileLoopTests()
    {
        _leadership = new LeadershipState(_harness.Metrics, _trigger, NullLogger<LeadershipState>.Instance);
    }

    // A FakeLeadership leads without pulsing, so every cycle after the first is due to the timer or a pulse.
    private async Task<ReconcileLoop> StartAsync(ILeadership leadership)
    {
        var cycle = new ReconcileCycle(_harness.Cluster, _harness.Settings, new Core.Healing.RestartLedger(), _harness.Actions, _harness.Owners,
            _harness.Events, _harness.History, leadership, _harness.Metrics, _harness.Time, NullLogger<ReconcileCycle>.Instance);
        _loop = new ReconcileLoop(cycle, _trigger, _harness.Settings, leadership, _harness.Leadership, _harness.Time,
            NullLogger<ReconcileLoop>.Instance);
        await _loop.StartAsync(TestContext.Current.CancellationToken);
        return _loop;
    }

    private long Cycles => _harness.Metrics.ReconcileDuration.Count;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.StopAsync(CancellationToken.None);
            _loop.Dispose();
        }
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            timeout.IsCancellationRequested.Should().BeFalse($"{what} within {Timeout}");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task The_leader_reconciles_at_once_and_then_every_interval()
    {
        await StartAsync(_harness.Leadership);
        await Eventually(() => Cycles == 1, "the first cycle");

        _harness.Time.Advance(_harness.Settings.Interval - TimeSpan.FromSeconds(1));
        Cycles.Should().Be(1);
        _harness.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually(() => Cycles == 2, "a cycle after one interval");

        _harness.Time.Advance(_harness.Settings.Interval);
        await Eventually(() => Cycles == 3, "a cycle after two intervals");
    }

    [Fact]
    public async Task A_pulse_runs_a_cycle_before_the_interval_ends()
    {
        await StartAsync(_harness.Leadership);
        await Eventually(() => Cycles == 1, "the first cycle");
        _harness.Cluster.With(RunningPod("a"));

        _harness.Time.Advance(TimeSpan.FromSeconds(2));
        _trigger.Pulse();

        await Eventually(() => Cycles == 2, "a cycle after the pulse");
        _harness.Actions.Restarts.Select(r => r.Pod).Should().Equal("default/a");
    }

    [Fact]
    public async Task A_follower_does_not_reconcile_until_it_becomes_leader()
    {
        _harness.Cluster.With(RunningPod("a"));
        await StartAsync(_leadership);
        for (var i = 0; i < 3; i++)
        {
            _harness.Time.Advance(_harness.Settings.Interval);
        }

        Cycles.Should().Be(0);
        _harness.Actions.Restarts.Should().BeEmpty();

        _leadership.Set(true);

        await Eventually(() => Cycles >= 1, "a cycle as soon as leadership is won");
        _harness.Actions.Restarts.Select(r => r.Pod).Should().Equal("default/a");
        _harness.Metrics.Leader.Value.Should().Be(1);
    }

    [Fact]
    public async Task Nothing_happens_until_the_caches_are_synced()
    {
        _harness.Leadership.Synced = false;
        _leadership.Set(true);
        _harness.Cluster.With(RunningPod("a"));
        await StartAsync(_leadership);
        _harness.Time.Advance(_harness.Settings.Interval);
        Cycles.Should().Be(0);

        _harness.Leadership.Synced = true;
        _harness.Time.Advance(_harness.Settings.Interval);

        await Eventually(() => Cycles >= 1, "a cycle once synced");
        _harness.Actions.Restarts.Should().ContainSingle();
    }

    [Fact]
    public async Task Stopping_ends_the_loop_promptly()
    {
        var loop = await StartAsync(_harness.Leadership);
        await Eventually(() => Cycles == 1, "the first cycle");

        var stop = loop.StopAsync(TestContext.Current.CancellationToken);

        (await Task.WhenAny(stop, Task.Delay(Timeout, TestContext.Current.CancellationToken))).Should().BeSameAs(stop);
        loop.ExecuteTask!.IsCompleted.Should().BeTrue();
    }
}
