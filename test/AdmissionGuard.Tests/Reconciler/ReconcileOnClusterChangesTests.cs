using System.Threading.Channels;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core;
using AdmissionGuard.Reconciler;
using AdmissionGuard.Tests.Cluster;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Reconciler;

/// <summary>Which cache changes start a reconcile cycle early, on the real caches over scripted watches.</summary>
public sealed class ReconcileOnClusterChangesTests : IAsyncDisposable
{
    private readonly FakeCluster _cluster = new();
    private readonly CountingTrigger _trigger = new();
    private readonly Channel<string> _applied = Channel.CreateUnbounded<string>();

    [Fact]
    public async Task New_and_gone_pods_node_changes_and_nothing_after_stop_pulse_the_reconciler_but_pod_updates_do_not()
    {
        var pulses = await StartAsync();
        var pods = await _cluster.Pods.NextWatchAsync();
        var nodes = await _cluster.Nodes.NextWatchAsync();

        pods.Send(WatchEventType.Modified, FakeCluster.Pod("default", "web", node: "node-1", ready: true, resourceVersion: "2"));
        await AppliedAsync("pods");
        _trigger.Count.Should().Be(0, "pod updates are constant at scale; the interval covers them");

        pods.Send(WatchEventType.Added, FakeCluster.Pod("default", "web-2", node: "node-1", ready: false, resourceVersion: "3"));
        await AppliedAsync("pods");
        _trigger.Count.Should().Be(1);

        var untainted = FakeCluster.Node("node-1");
        untainted.Metadata.ResourceVersion = "5";
        nodes.Send(WatchEventType.Modified, untainted);
        await AppliedAsync("nodes");
        _trigger.Count.Should().Be(2, "a node losing its taint is what releases gates");

        await pulses.StopAsync(TestContext.Current.CancellationToken);
        pods.Send(WatchEventType.Deleted, FakeCluster.Pod("default", "web-2", node: "node-1", ready: false, resourceVersion: "4"));
        await AppliedAsync("pods");
        _trigger.Count.Should().Be(2, "a stopped replica no longer listens");
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<ReconcileOnClusterChanges> StartAsync()
    {
        _cluster.Pods.ListReturns("1", [FakeCluster.Pod("default", "web", node: "node-1", ready: false)]);
        _cluster.Nodes.ListReturns("1", [FakeCluster.Node("node-1", new V1Taint { Key = WellKnown.CiliumAgentNotReadyTaint, Effect = "NoExecute" })]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        var pulses = new ReconcileOnClusterChanges(_cluster.Caches, _trigger);
        await pulses.StartAsync(TestContext.Current.CancellationToken);

        // Subscribed after the pulses, so handlers run in this order: once a change shows here, its pulse is counted.
        _cluster.Caches.Pods.Subscribe(_ => _applied.Writer.TryWrite("pods"));
        _cluster.Caches.Nodes.Subscribe(_ => _applied.Writer.TryWrite("nodes"));
        return pulses;
    }

    private async Task AppliedAsync(string cache) =>
        (await _applied.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask()
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Should().Be(cache);

    private sealed class CountingTrigger : IReconcileTrigger
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Pulse() => Interlocked.Increment(ref _count);
    }
}
