using System.Threading.Channels;
using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AdmissionGuard.Tests.Cluster;

public sealed class ClusterSnapshotTests : IAsyncDisposable
{
    private readonly FakeCluster _cluster = new();

    [Fact]
    public async Task A_node_is_agent_ready_with_a_Ready_agent_pod_not_ready_with_only_unready_ones_and_unknown_without_any()
    {
        _cluster.Nodes.ListReturns("5", [
            FakeCluster.Node("n1"),
            FakeCluster.Node("n2", new V1Taint { Key = WellKnown.CiliumAgentNotReadyTaint, Effect = "NoExecute" }),
            FakeCluster.Node("n3"),
        ]);
        _cluster.AgentPods.ListReturns("5", [
            FakeCluster.Pod("kube-system", "cilium-a", "n1", ready: true),
            FakeCluster.Pod("kube-system", "cilium-b", "n2", ready: false),
        ]);
        _cluster.ListEverythingElseEmpty();

        await _cluster.StartAndSyncAsync();

        _cluster.Snapshot.GetNode("n1")!.AgentReady.Should().BeTrue();
        _cluster.Snapshot.GetNode("n2")!.AgentReady.Should().BeFalse();
        _cluster.Snapshot.GetNode("n3")!.AgentReady.Should().BeNull("no agent pod runs there: unknown, not \"not ready\"");
        _cluster.Snapshot.GetNode("n2")!.FindTaint([WellKnown.CiliumAgentNotReadyTaint]).Should().NotBeNull();
        _cluster.Snapshot.GetNode("unknown").Should().BeNull();
        _cluster.Snapshot.Nodes.Where(n => n.AgentReady == true).Select(n => n.Name).Should().Equal("n1");
    }

    [Fact]
    public async Task Tainted_nodes_follow_the_node_cache()
    {
        var taint = new V1Taint { Key = WellKnown.CiliumAgentNotReadyTaint, Effect = "NoExecute" };
        _cluster.Nodes.ListReturns("5", [FakeCluster.Node("n1"), FakeCluster.Node("n2", taint), FakeCluster.Node("n3", taint)]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        _cluster.Snapshot.TaintedNodes.Select(n => n.Name).Should().BeEquivalentTo(["n2", "n3"]);
        var changed = Channel.CreateUnbounded<CacheChange<NodeFacts>>();
        using var subscription = _cluster.Caches.Nodes.Subscribe(change => changed.Writer.TryWrite(change));

        var untainted = FakeCluster.Node("n2");
        untainted.Metadata.ResourceVersion = "6";
        (await _cluster.Nodes.NextWatchAsync()).Send(WatchEventType.Modified, untainted);
        await changed.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        _cluster.Snapshot.TaintedNodes.Select(n => n.Name).Should().Equal("n3");
    }

    [Fact]
    public async Task Tainted_nodes_carry_their_agents_readiness_and_follow_it()
    {
        _cluster.Nodes.ListReturns("5", [FakeCluster.Node("n2", new V1Taint { Key = WellKnown.CiliumAgentNotReadyTaint, Effect = "NoExecute" })]);
        _cluster.AgentPods.ListReturns("5", [FakeCluster.Pod("kube-system", "cilium-b", "n2", ready: false)]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        _cluster.Snapshot.TaintedNodes.Single().AgentReady.Should().BeFalse();
        var changed = Channel.CreateUnbounded<CacheChange<PodFacts>>();
        using var subscription = _cluster.Caches.AgentPods.Subscribe(change => changed.Writer.TryWrite(change));

        (await _cluster.AgentPods.NextWatchAsync()).Send(
            WatchEventType.Modified, FakeCluster.Pod("kube-system", "cilium-b", "n2", ready: true, resourceVersion: "6"));
        await changed.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        _cluster.Snapshot.TaintedNodes.Single().AgentReady.Should().BeTrue("the tainted-node index is rebuilt when an agent pod changes, not only a node");
    }

    [Fact]
    public async Task An_agent_becoming_ready_shows_on_the_next_read()
    {
        _cluster.Nodes.ListReturns("5", [FakeCluster.Node("n2")]);
        _cluster.AgentPods.ListReturns("5", [FakeCluster.Pod("kube-system", "cilium-b", "n2", ready: false)]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        _cluster.Snapshot.GetNode("n2")!.AgentReady.Should().BeFalse();
        var changed = Channel.CreateUnbounded<CacheChange<PodFacts>>();
        using var subscription = _cluster.Caches.AgentPods.Subscribe(change => changed.Writer.TryWrite(change));

        (await _cluster.AgentPods.NextWatchAsync()).Send(
            WatchEventType.Modified, FakeCluster.Pod("kube-system", "cilium-b", "n2", ready: true, resourceVersion: "6"));
        var change = await changed.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        change.New!.Ready.Should().BeTrue();
        _cluster.Snapshot.GetNode("n2")!.AgentReady.Should().BeTrue();
    }

    [Fact]
    public async Task The_gate_releaser_is_alive_while_the_leader_renews_its_lease()
    {
        _cluster.Lease.ListReturns("5", [FakeCluster.LeaderLease("guard-0", _cluster.Time.GetUtcNow().AddSeconds(-5))]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();

        _cluster.Snapshot.GateReleaserAlive.Should().BeTrue();

        _cluster.Time.Advance(TimeSpan.FromSeconds(10));
        _cluster.Snapshot.GateReleaserAlive.Should().BeFalse("the lease expired 15 s after its last renewal");
    }

    [Fact]
    public async Task A_renewal_seen_after_the_lease_expired_makes_the_gate_releaser_alive_again()
    {
        _cluster.Lease.ListReturns("5", [FakeCluster.LeaderLease("guard-0", _cluster.Time.GetUtcNow().AddSeconds(-20))]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        _cluster.Snapshot.GateReleaserAlive.Should().BeFalse();
        var changed = Channel.CreateUnbounded<CacheChange<LeaseFacts>>();
        using var subscription = _cluster.Caches.Leases.Subscribe(change => changed.Writer.TryWrite(change));

        var renewed = FakeCluster.LeaderLease("guard-1", _cluster.Time.GetUtcNow());
        renewed.Metadata.ResourceVersion = "6";
        (await _cluster.Lease.NextWatchAsync()).Send(WatchEventType.Modified, renewed);
        await changed.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        _cluster.Snapshot.GateReleaserAlive.Should().BeTrue("the snapshot reads the renewed Lease, not the one it saw before");
    }

    [Fact]
    public async Task Without_a_lease_nobody_releases_gates()
    {
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();

        _cluster.Snapshot.GateReleaserAlive.Should().BeFalse();
    }

    [Fact]
    public async Task A_released_lease_means_nobody_releases_gates()
    {
        _cluster.Lease.ListReturns("5", [FakeCluster.LeaderLease("", _cluster.Time.GetUtcNow())]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();

        _cluster.Snapshot.GateReleaserAlive.Should().BeFalse();
    }

    [Fact]
    public async Task Endpoints_are_unavailable_when_the_CiliumEndpoint_resource_is_not_served()
    {
        _cluster.Endpoints.ListThrows(new ResourceNotServedException("ciliumendpoints: the server could not find the requested resource"));
        _cluster.ListEverythingElseEmpty();

        await _cluster.StartAndSyncAsync();

        _cluster.Caches.Synced.Should().BeTrue();
        _cluster.Snapshot.EndpointsAvailable.Should().BeFalse();
        _cluster.Snapshot.GetEndpoint("kube-system", "coredns-5d78c9869d-8hx2m").Should().BeNull();
        await _cluster.Time.WaitForTimerAsync(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Endpoints_are_available_once_listed_and_looked_up_by_pod_namespace_and_name()
    {
        _cluster.Endpoints.ListReturns("5", [KubernetesJson.Deserialize<CiliumEndpoint>(ClusterObjects.CorednsEndpoint)]);
        _cluster.Pods.ListReturns("5", [KubernetesJson.Deserialize<V1Pod>(ClusterObjects.EbsCsiNodePod)]);
        _cluster.Namespaces.ListReturns("5", [KubernetesJson.Deserialize<V1Namespace>(ClusterObjects.PaymentsNamespace)]);
        _cluster.ListEverythingElseEmpty();
        _cluster.Snapshot.EndpointsAvailable.Should().BeFalse("an unsynced endpoint cache would make every pod look unmanaged");

        await _cluster.StartAndSyncAsync();

        _cluster.Snapshot.EndpointsAvailable.Should().BeTrue();
        _cluster.Snapshot.GetEndpoint("kube-system", "coredns-5d78c9869d-8hx2m")!.State.Should().Be("ready");
        _cluster.Snapshot.GetPod("kube-system", "ebs-csi-node-7xk2p")!.Owner!.Kind.Should().Be("DaemonSet");
        _cluster.Snapshot.Pods.Should().ContainSingle();
        _cluster.Snapshot.PodCount.Should().Be(1);
        _cluster.Snapshot.GetNamespaceLabels("payments").Should().Contain(WellKnown.NamespaceModeLabel, "deny");
        _cluster.Snapshot.GetNamespaceLabels("unknown").Should().BeNull();
    }

    [Fact]
    public async Task Readiness_waits_for_every_cache_and_names_the_missing_ones()
    {
        var check = new ClusterCachesHealthCheck(_cluster.Caches, Microsoft.Extensions.Options.Options.Create(new AdmissionGuard.Configuration.KubernetesOptions()));
        _cluster.Nodes.ListReturns("1", []);
        _cluster.Namespaces.ListReturns("1", []);
        _cluster.Endpoints.ListReturns("1", []);
        _cluster.Lease.ListReturns("1", []);
        _cluster.AgentPods.ListReturns("1", []);
        _cluster.DisruptionBudgets.ListReturns("1", []);
        await _cluster.Caches.StartAsync(CancellationToken.None);
        var listed = new IResourceCacheStatus[] { _cluster.Caches.Nodes, _cluster.Caches.Namespaces, _cluster.Caches.Endpoints, _cluster.Caches.Leases, _cluster.Caches.AgentPods, _cluster.Caches.DisruptionBudgets };
        await Task.WhenAll(listed.Select(cache => cache.WaitForSyncAsync(TestContext.Current.CancellationToken)))
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var waiting = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        waiting.Status.Should().Be(HealthStatus.Unhealthy);
        waiting.Description.Should().Be("waiting for the first list of: pods");

        _cluster.Pods.ListReturns("1", []);
        await _cluster.Caches.WaitForSyncAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        (await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken)).Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task Gated_pods_are_the_pods_with_the_gate_after_every_change()
    {
        _cluster.Pods.ListReturns("5", [Gated("a", "5"), FakeCluster.Pod("default", "b", "n1", ready: true, "5"), Gated("c", "5")]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        var changed = Channel.CreateUnbounded<CacheChange<PodFacts>>();
        using var subscription = _cluster.Caches.Pods.Subscribe(change => changed.Writer.TryWrite(change));
        var watch = await _cluster.Pods.NextWatchAsync();
        GatedNames(_cluster.Snapshot).Should().Equal(["a", "c"]);

        (WatchEventType Type, V1Pod Pod)[] changes =
        [
            (WatchEventType.Modified, FakeCluster.Pod("default", "a", "n1", ready: false, "6")),
            (WatchEventType.Modified, Gated("b", "7")),
            (WatchEventType.Deleted, Gated("c", "8")),
            (WatchEventType.Added, Gated("d", "9")),
            (WatchEventType.Modified, Gated("a", "10")),
        ];
        foreach (var (type, pod) in changes)
        {
            watch.Send(type, pod);
            await changed.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

            var expected = _cluster.Snapshot.Pods.Where(p => p.HasGate(WellKnown.SchedulingGate)).Select(p => p.Name).Order(StringComparer.Ordinal);
            GatedNames(_cluster.Snapshot).Should().Equal(expected, $"after {type} {pod.Metadata.Name}");
        }

        GatedNames(_cluster.Snapshot).Should().Equal(["a", "b", "d"]);
        GatedNames(new ClusterSnapshot(_cluster.Caches, _cluster.Time)).Should().Equal(["a", "b", "d"], "a snapshot made after the caches filled finds them too");
    }

    [Fact]
    public async Task A_pod_and_its_CiliumEndpoint_hold_one_copy_of_the_name_and_UID_whichever_arrives_first()
    {
        _cluster.Pods.ListReturns("5", [FakeCluster.Pod("default", "a", "n1", ready: true, "5"), FakeCluster.Pod("default", "b", "n1", ready: true, "5")]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        var applied = Channel.CreateUnbounded<ObjectKey>();
        using var podChanges = _cluster.Caches.Pods.Subscribe(change => applied.Writer.TryWrite(change.Key));
        using var endpointChanges = _cluster.Caches.Endpoints.Subscribe(change => applied.Writer.TryWrite(change.Key));
        var pods = await _cluster.Pods.NextWatchAsync();
        var endpoints = await _cluster.Endpoints.NextWatchAsync();

        endpoints.Send(WatchEventType.Added, Endpoint("a", ownerUid: "uid-a"));
        endpoints.Send(WatchEventType.Added, Endpoint("b", ownerUid: "uid-of-an-earlier-b"));
        endpoints.Send(WatchEventType.Added, Endpoint("c", ownerUid: "uid-c"));
        // The two caches apply their watches on their own threads: pod c is sent only once endpoint c is in, so that it
        // arrives second (sent together, both could be applied at once, neither seeing the other).
        for (var i = 0; i < 3; i++)
        {
            await applied.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }

        pods.Send(WatchEventType.Added, FakeCluster.Pod("default", "c", "n1", ready: true, "7"));
        await applied.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var (podA, endpointA) = (_cluster.Snapshot.GetPod("default", "a")!, _cluster.Snapshot.GetEndpoint("default", "a")!);
        endpointA.Name.Should().BeSameAs(podA.Name);
        endpointA.OwnerPodUid.Should().BeSameAs(podA.Uid);
        var (podB, endpointB) = (_cluster.Snapshot.GetPod("default", "b")!, _cluster.Snapshot.GetEndpoint("default", "b")!);
        endpointB.Name.Should().BeSameAs(podB.Name);
        endpointB.OwnerPodUid.Should().Be("uid-of-an-earlier-b", "a stale endpoint keeps the UID it names");
        var (podC, endpointC) = (_cluster.Snapshot.GetPod("default", "c")!, _cluster.Snapshot.GetEndpoint("default", "c")!);
        podC.Name.Should().BeSameAs(endpointC.Name, "a pod listed after its endpoint takes the endpoint's strings");
        podC.Uid.Should().Be("uid-c").And.BeSameAs(endpointC.OwnerPodUid);
    }

    private static CiliumEndpoint Endpoint(string pod, string ownerUid) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = pod,
            NamespaceProperty = "default",
            ResourceVersion = "6",
            OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = pod, Uid = ownerUid }],
        },
        Status = new CiliumEndpointStatus { State = "ready" },
    };

    [Fact]
    public async Task The_pod_change_feed_names_each_pod_or_endpoint_that_changed_once_per_take()
    {
        var feed = _cluster.Snapshot.FollowPodChanges();
        _cluster.Pods.ListReturns("5", [FakeCluster.Pod("default", "a", "n1", ready: true, "5"), FakeCluster.Pod("default", "b", "n1", ready: true, "5")]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        feed.TakeChanged().Should().BeNull("the first take looks at every pod: the first lists are not recorded name by name");
        feed.TakeChanged().Should().BeEmpty();

        var applied = Channel.CreateUnbounded<ObjectKey>();
        using var podChanges = _cluster.Caches.Pods.Subscribe(change => applied.Writer.TryWrite(change.Key));
        using var endpointChanges = _cluster.Caches.Endpoints.Subscribe(change => applied.Writer.TryWrite(change.Key));
        var pods = await _cluster.Pods.NextWatchAsync();
        var endpoints = await _cluster.Endpoints.NextWatchAsync();
        pods.Send(WatchEventType.Modified, FakeCluster.Pod("default", "a", "n1", ready: false, "6"));
        pods.Send(WatchEventType.Modified, FakeCluster.Pod("default", "a", "n1", ready: true, "7"));
        pods.Send(WatchEventType.Deleted, FakeCluster.Pod("default", "b", "n1", ready: true, "8"));
        endpoints.Send(WatchEventType.Added, KubernetesJson.Deserialize<CiliumEndpoint>(ClusterObjects.CorednsEndpoint));
        for (var i = 0; i < 4; i++)
        {
            await applied.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }

        feed.TakeChanged().Should().BeEquivalentTo([new PodName("default", "a"), new PodName("default", "b"), new PodName("kube-system", "coredns-5d78c9869d-8hx2m")]);
        feed.TakeChanged().Should().BeEmpty();
    }

    [Fact]
    public async Task A_pod_change_feed_that_is_never_taken_stops_at_its_capacity_and_then_asks_for_a_full_look_once()
    {
        var feed = new PodChangeFeed(_cluster.Caches, capacity: 2);
        _cluster.Pods.ListReturns("5", [.. Enumerable.Range(0, 5).Select(i => FakeCluster.Pod("default", $"p{i}", "n1", ready: true, "5"))]);
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
        feed.TakeChanged().Should().BeNull("the first take looks at every pod");
        var applied = Channel.CreateUnbounded<ObjectKey>();
        using var podChanges = _cluster.Caches.Pods.Subscribe(change => applied.Writer.TryWrite(change.Key));
        var pods = await _cluster.Pods.NextWatchAsync();

        for (var i = 0; i < 3; i++)
        {
            pods.Send(WatchEventType.Modified, FakeCluster.Pod("default", $"p{i}", "n1", ready: false, $"{6 + i}"));
            await applied.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }

        feed.TakeChanged().Should().BeNull("three pods changed and the feed keeps two names");
        feed.TakeChanged().Should().BeEmpty();
    }

    private static V1Pod Gated(string name, string resourceVersion)
    {
        var pod = FakeCluster.Pod("default", name, "n1", ready: false, resourceVersion);
        pod.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = WellKnown.SchedulingGate }];
        return pod;
    }

    private static IEnumerable<string> GatedNames(ClusterSnapshot snapshot) => snapshot.GatedPods.Select(p => p.Name).Order(StringComparer.Ordinal);

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
