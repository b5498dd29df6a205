using System.Threading.Channels;
using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Pods;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Cluster;

/// <summary>Admission's wait for a pod or node the cache has not delivered yet, on the real caches and a fake clock.</summary>
public sealed class CacheArrivalTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly FakeCluster _cluster = new();
    private readonly Channel<CacheChange<PodFacts>> _applied = Channel.CreateUnbounded<CacheChange<PodFacts>>();
    private IDisposable? _subscription;

    [Fact]
    public async Task A_pod_already_cached_is_found_without_waiting()
    {
        var arrival = await StartAsync(Pod("web", "uid-1"));

        var waiting = arrival.WaitForPodAsync(Binding("web", "uid-1"), Timeout, TestContext.Current.CancellationToken);

        waiting.IsCompletedSuccessfully.Should().BeTrue("no timer, no subscription: the pod is there");
        (await waiting).Should().BeTrue();
    }

    [Fact]
    public async Task A_pod_or_node_already_cached_is_answered_without_allocating()
    {
        var arrival = await StartAsync(Pod("web", "uid-1"));
        var watch = await _cluster.Nodes.NextWatchAsync();
        watch.Send(WatchEventType.Added, FakeCluster.Node("node-1"));
        (await arrival.WaitForNodeAsync("node-1", Timeout, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Should().BeTrue();
        var binding = Binding("web", "uid-1");
        (await arrival.WaitForPodAsync(binding, Timeout, TestContext.Current.CancellationToken)).Should().BeTrue("a first call loads what it needs");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var pod = arrival.WaitForPodAsync(binding, Timeout, TestContext.Current.CancellationToken);
        var node = arrival.WaitForNodeAsync("node-1", Timeout, TestContext.Current.CancellationToken);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0, "every admission request asks, and the object is almost always there");
        (await pod).Should().BeTrue();
        (await node).Should().BeTrue();
    }

    [Fact]
    public async Task A_pod_delivered_while_waiting_ends_the_wait_before_the_timeout()
    {
        var arrival = await StartAsync();
        var watch = await _cluster.Pods.NextWatchAsync();
        var started = _cluster.Time.GetUtcNow();

        var waiting = arrival.WaitForPodAsync(Binding("web", "uid-1"), Timeout, TestContext.Current.CancellationToken);
        await _cluster.Time.WaitForTimerAsync(Timeout);
        waiting.IsCompleted.Should().BeFalse();
        watch.Send(WatchEventType.Added, Pod("web", "uid-1", resourceVersion: "2"));

        (await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Should().BeTrue();
        _cluster.Time.GetUtcNow().Should().Be(started, "the cache's notification ended the wait, not the clock");
    }

    [Fact]
    public async Task A_pod_that_never_arrives_ends_the_wait_with_false_exactly_at_the_timeout()
    {
        var arrival = await StartAsync();

        var waiting = arrival.WaitForPodAsync(Binding("web", "uid-1"), Timeout, TestContext.Current.CancellationToken);
        await _cluster.Time.WaitForTimerAsync(Timeout);
        _cluster.Time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        waiting.IsCompleted.Should().BeFalse();
        _cluster.Time.Advance(TimeSpan.FromMilliseconds(1));

        (await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Should().BeFalse();
    }

    [Fact]
    public async Task A_cached_pod_with_another_uid_is_waited_past_until_the_recreated_pod_arrives()
    {
        var arrival = await StartAsync(Pod("web", "uid-old"));
        var watch = await _cluster.Pods.NextWatchAsync();

        var waiting = arrival.WaitForPodAsync(Binding("web", "uid-new"), Timeout, TestContext.Current.CancellationToken);
        await _cluster.Time.WaitForTimerAsync(Timeout);
        var relabelled = Pod("web", "uid-old", resourceVersion: "2");
        relabelled.Metadata.Labels["tier"] = "frontend";
        watch.Send(WatchEventType.Modified, relabelled);
        (await NextAppliedAsync()).New!.Uid.Should().Be("uid-old");
        waiting.IsCompleted.Should().BeFalse("the old pod is not the one being bound");
        watch.Send(WatchEventType.Deleted, Pod("web", "uid-old", resourceVersion: "3"));
        watch.Send(WatchEventType.Added, Pod("web", "uid-new", resourceVersion: "4"));

        (await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Should().BeTrue();
        _cluster.Snapshot.GetPod("default", "web")!.Uid.Should().Be("uid-new");
    }

    [Fact]
    public async Task A_zero_timeout_only_looks()
    {
        var arrival = await StartAsync(Pod("web", "uid-old"));

        var waiting = arrival.WaitForPodAsync(Binding("web", "uid-new"), TimeSpan.Zero, TestContext.Current.CancellationToken);

        waiting.IsCompleted.Should().BeTrue();
        (await waiting).Should().BeFalse();
    }

    [Fact]
    public async Task Cancelling_the_request_ends_the_wait()
    {
        var arrival = await StartAsync();
        using var aborted = new CancellationTokenSource();

        var waiting = arrival.WaitForPodAsync(Binding("web", "uid-1"), Timeout, aborted.Token);
        await _cluster.Time.WaitForTimerAsync(Timeout);
        await aborted.CancelAsync();

        await waiting.Invoking(w => w.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken))
            .Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task A_node_delivered_while_waiting_ends_the_wait_and_another_node_does_not()
    {
        var arrival = await StartAsync();
        var watch = await _cluster.Nodes.NextWatchAsync();

        var waiting = arrival.WaitForNodeAsync("node-9", Timeout, TestContext.Current.CancellationToken);
        await _cluster.Time.WaitForTimerAsync(Timeout);
        watch.Send(WatchEventType.Added, FakeCluster.Node("node-8"));
        watch.Send(WatchEventType.Added, FakeCluster.Node("node-9"));

        (await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Should().BeTrue();
        _cluster.Snapshot.GetNode("node-8").Should().NotBeNull("both arrived; only node-9 ended the wait");
    }

    [Fact]
    public async Task A_node_that_never_registers_ends_the_wait_with_false_at_the_timeout()
    {
        var arrival = await StartAsync();

        var waiting = arrival.WaitForNodeAsync("node-9", Timeout, TestContext.Current.CancellationToken);
        await _cluster.Time.WaitForTimerAsync(Timeout);
        _cluster.Time.Advance(Timeout);

        (await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Should().BeFalse();
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<CacheArrival> StartAsync(params V1Pod[] pods)
    {
        _cluster.Pods.ListReturns("1", pods);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        _subscription = _cluster.Caches.Pods.Subscribe(change => _applied.Writer.TryWrite(change));
        return new CacheArrival(_cluster.Caches, _cluster.Time);
    }

    private async Task<CacheChange<PodFacts>> NextAppliedAsync() =>
        await _applied.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

    private static PodBinding Binding(string pod, string uid) => new("default", pod, "node-1", uid);

    private static V1Pod Pod(string name, string uid, string resourceVersion = "1")
    {
        var pod = FakeCluster.Pod("default", name, node: "node-1", ready: false, resourceVersion);
        pod.Metadata.Uid = uid;
        return pod;
    }
}
