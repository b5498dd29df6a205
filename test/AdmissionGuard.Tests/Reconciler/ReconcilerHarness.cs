using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Tests.Healing;
using AdmissionGuard.Metrics;
using AdmissionGuard.Reconciler;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Reconciler;

/// <summary>A reconcile cycle over fakes: a mutable cluster, scripted API answers, fake time, own metrics registry.</summary>
internal sealed class ReconcilerHarness
{
    public static readonly RestartBudget DefaultBudget = new(MaxRestartsPerCycle: 5, PodCooldown: TimeSpan.FromMinutes(5), DryRun: false);

    public ReconcilerHarness(RestartBudget? budget = null, RestartMethod method = RestartMethod.Evict, HealingPolicy? policy = null, TimeSpan? blockedAfter = null)
    {
        Settings = new ReconcilerSettings(policy ?? Policy, budget ?? DefaultBudget, method, TimeSpan.FromSeconds(15))
        {
            BlockedAfter = blockedAfter ?? TimeSpan.FromMinutes(10),
        };
        Metrics = new ReconcilerMetrics(Prometheus.Metrics.WithCustomRegistry(Registry));
        Cycle = new ReconcileCycle(Cluster, Settings, new RestartLedger(), Actions, Owners, Events, History, Leadership, Metrics, Time,
            NullLogger<ReconcileCycle>.Instance);
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public FakeTimeProvider Time { get; } = new(Now);

    public FakeClusterSnapshot Cluster { get; } = new FakeClusterSnapshot().With(ReadyNode("n1"), ReadyNode("n2"), ReadyNode("n3"));

    public FakePodActions Actions { get; } = new();

    public FakeWorkloadOwners Owners { get; } = new();

    public FakeEventRecorder Events { get; } = new();

    public FakeRestartHistory History { get; } = new();

    public FakeLeadership Leadership { get; } = new();

    public ReconcilerSettings Settings { get; }

    public ReconcilerMetrics Metrics { get; }

    public ReconcileCycle Cycle { get; }

    public double Restarts(string result) => Metrics.PodRestarts.WithLabels(result).Value;

    public double GateReleases(string reason) => Metrics.GateReleases.WithLabels(reason).Value;

    public Task<CycleSummary> RunAsync() => Cycle.RunOnceAsync(TestContext.Current.CancellationToken);

    /// <summary>Moves time forward and runs the next cycle.</summary>
    public Task<CycleSummary> RunAfterAsync(TimeSpan elapsed)
    {
        Time.Advance(elapsed);
        return RunAsync();
    }
}
