using AdmissionGuard.Cluster;
using AdmissionGuard.Core;
using AdmissionGuard.Tests.Cluster;
using AdmissionGuard.Tests.Support;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Webhook;

/// <summary>
/// The validating webhook on the real caches (scripted watches, fake clock): a binding that outruns the pod's watch
/// event waits for it instead of failing open.
/// </summary>
public sealed class BindingPodArrivalTests : IAsyncDisposable
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
    public async Task A_binding_whose_pod_never_reaches_the_cache_fails_open_after_the_wait()
    {
        await using var guard = await StartAsync();
        var watch = await _cluster.Pods.NextWatchAsync();

        var answer = guard.ValidateAsync(AdmissionReviews.BindingCreate("default", "web", TestCluster.TaintedNode));
        await _cluster.Time.WaitForTimerAsync(Wait);
        watch.Send(WatchEventType.Added, WebPod("uid-of-an-older-pod-named-web"));
        _cluster.Time.Advance(Wait);
        var result = await answer.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        result.Allowed.Should().BeTrue();
        result.AuditAnnotations["reason"].Should().Be("pod-not-in-cache");
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private async Task<GuardTestHost> StartAsync()
    {
        _cluster.Nodes.ListReturns("1", [FakeCluster.Node(TestCluster.TaintedNode, new V1Taint { Key = WellKnown.CiliumAgentNotReadyTaint, Effect = "NoExecute" })]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        return await GuardTestHost.StartAsync(
            _cluster.Snapshot, podArrival: new PodCacheArrival(_cluster.Caches.Pods, _cluster.Time), settings: $"--Admission:BindingPodWaitTimeout={Wait:c}");
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
