using AdmissionGuard.Cluster;
using AdmissionGuard.Core;
using AdmissionGuard.Tests.Cluster;
using AdmissionGuard.Tests.Support;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Webhook;

/// <summary>
/// The webhooks on the real caches (scripted watches, fake clock): a binding that outruns the pod's watch event,
/// and a pod pinned to a node whose watch event has not arrived, wait for it instead of failing open.
/// </summary>
public sealed class CacheArrivalWebhookTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    private readonly FakeCluster _cluster = new();

    [Fact]
    public async Task A_binding_that_outruns_the_pods_watch_event_waits_for_it_and_is_refused()
    {
        await using var guard = await StartAsync();
        var watch = await _cluster.Pods.NextWatchAsync();

        var answer = guard.ValidateAsync(AdmissionReviews.BindingCreate("default", "web", TestCluster.TaintedNode));
        await _cluster.Time.WaitForTimerAsync(Wait);
        watch.Send(WatchEventType.Added, WebPod(AdmissionReviews.BoundPodUid));
        var result = await answer.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        result.Allowed.Should().BeFalse();
        result.AuditAnnotations["reason"].Should().Be("binding-to-tainted-node");
    }

    [Fact]
    public async Task A_binding_whose_pod_never_reaches_the_cache_is_refused_onto_a_tainted_node_after_the_wait()
    {
        await using var guard = await StartAsync();
        var watch = await _cluster.Pods.NextWatchAsync();

        var answer = guard.ValidateAsync(AdmissionReviews.BindingCreate("default", "web", TestCluster.TaintedNode));
        await _cluster.Time.WaitForTimerAsync(Wait);
        watch.Send(WatchEventType.Added, WebPod("uid-of-an-older-pod-named-web"));
        _cluster.Time.Advance(Wait);
        var result = await answer.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        result.Allowed.Should().BeFalse("the scheduler retries, where an admitted pod would run without Cilium");
        result.AuditAnnotations["reason"].Should().Be("pod-not-in-cache");
    }

    [Fact]
    public async Task A_pod_pinned_to_a_node_that_registers_during_the_wait_is_decided_on_that_node()
    {
        const string lateNode = "ip-10-0-1-9";
        await using var guard = await StartAsync();
        var watch = await _cluster.Nodes.NextWatchAsync();

        var answer = guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode().PinnedTo(lateNode)));
        await _cluster.Time.WaitForTimerAsync(Wait);
        watch.Send(WatchEventType.Added, FakeCluster.Node(lateNode, new V1Taint { Key = WellKnown.CiliumAgentNotReadyTaint, Effect = "NoExecute" }));
        var result = await answer.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        result.AuditAnnotations["reason"].Should().Be("pinned-to-tainted-node");
        result.AuditAnnotations["node"].Should().Be(lateNode);
    }

    [Fact]
    public async Task A_pod_pinned_to_a_node_that_never_registers_is_admitted_with_the_unknown_node_warning_after_the_wait()
    {
        await using var guard = await StartAsync();
        await _cluster.Nodes.NextWatchAsync();

        var answer = guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode().PinnedTo("ip-10-0-9-9")));
        await _cluster.Time.WaitForTimerAsync(Wait);
        _cluster.Time.Advance(Wait);
        var result = await answer.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        result.Allowed.Should().BeTrue();
        result.AuditAnnotations["reason"].Should().Be("node-not-in-cache");
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private async Task<GuardTestHost> StartAsync()
    {
        _cluster.Nodes.ListReturns("1", [FakeCluster.Node(TestCluster.TaintedNode, new V1Taint { Key = WellKnown.CiliumAgentNotReadyTaint, Effect = "NoExecute" })]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        return await GuardTestHost.StartAsync(
            _cluster.Snapshot, cacheArrival: new CacheArrival(_cluster.Caches, _cluster.Time), settings: $"--Admission:CacheWaitTimeout={Wait:c}");
    }

    private static V1Pod WebPod(string uid)
    {
        var pod = KubernetesJson.Deserialize<V1Pod>(PodFixtures.Web().ToJsonString());
        pod.Metadata.NamespaceProperty = "default";
        pod.Metadata.Uid = uid;
        pod.Metadata.ResourceVersion = "2";
        return pod;
    }
}
