using AdmissionGuard.Sandbox.Cilium;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

public sealed class KubeletTests
{
    [Fact]
    public async Task A_bound_pod_runs_at_once_and_becomes_ready_after_the_startup_delay()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var started = cluster.Clock.GetUtcNow();

        await cluster.Api.CreateAsync(Manifests.Pod("web"), cancellationToken: TestCluster.Token);
        var running = await cluster.Until(() => cluster.Pod("web") is { } p && TestCluster.IsRunning(p) ? p : null, "the pod runs");

        running.Status.StartTime.Should().Be(started.UtcDateTime);
        running.Status.PodIP.Should().StartWith("10.244.");
        running.Status.HostIP.Should().StartWith("192.168.");
        running.Status.ContainerStatuses.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "app", Ready = false, RestartCount = 0, Started = true });
        TestCluster.IsReady(running).Should().BeFalse();

        cluster.Clock.Advance(TimeSpan.FromSeconds(4));
        await cluster.Api.CreateAsync(Manifests.Pod("marker"), cancellationToken: TestCluster.Token);
        await cluster.Until(() => TestCluster.IsRunning(cluster.Pod("marker")), "the kubelet has run after 4s");
        TestCluster.IsReady(cluster.Pod("web")).Should().BeFalse("the start-up delay is 5s");

        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        var ready = await cluster.Until(() => cluster.Pod("web") is { } p && TestCluster.IsReady(p) ? p : null, "the pod is Ready after 5s");
        ready.Status.ContainerStatuses.Should().OnlyContain(c => c.Ready && c.RestartCount == 0);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("2m", false)]
    public async Task The_startup_delay_annotation_overrides_the_default(string delay, bool readyAfterTenSeconds)
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var pod = Manifests.Pod("web");
        pod.Metadata.Annotations = new Dictionary<string, string> { [SimulationAnnotations.StartupDelay] = delay };
        await cluster.Api.CreateAsync(pod, cancellationToken: TestCluster.Token);
        await cluster.Until(() => TestCluster.IsRunning(cluster.Pod("web")), "the pod runs");

        cluster.Clock.Advance(TimeSpan.FromSeconds(10));
        await cluster.Api.CreateAsync(Manifests.Pod("marker"), cancellationToken: TestCluster.Token);
        await cluster.Until(() => TestCluster.IsRunning(cluster.Pod("marker")) && (!readyAfterTenSeconds || TestCluster.IsReady(cluster.Pod("web"))),
            "the kubelet has run after 10s");

        TestCluster.IsReady(cluster.Pod("web")).Should().Be(readyAfterTenSeconds);
    }

    [Fact]
    public async Task A_host_network_pod_gets_the_node_ip()
    {
        await using var cluster = TestCluster.Start();
        var node = await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var pod = Manifests.Pod("agent");
        pod.Spec.HostNetwork = true;

        await cluster.Api.CreateAsync(pod, cancellationToken: TestCluster.Token);

        var running = await cluster.Until(() => cluster.Pod("agent") is { } p && TestCluster.IsRunning(p) ? p : null, "the pod runs");
        running.Status.PodIP.Should().Be(node.Status.Addresses.Single(a => a.Type == "InternalIP").Address);
    }

    [Fact]
    public async Task A_node_created_without_status_is_registered_ready()
    {
        await using var cluster = TestCluster.Start();

        await cluster.Api.CreateAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "bare" } }, cancellationToken: TestCluster.Token);

        var node = await cluster.Until(() => cluster.Api.Get<V1Node>(null, "bare") is { Status.Addresses.Count: > 0 } n ? n : null, "the kubelet registers the node");
        node.Status.Conditions.Select(c => (c.Type, c.Status, c.Reason)).Should().Equal(
            [("MemoryPressure", "False", "KubeletHasSufficientMemory"), ("DiskPressure", "False", "KubeletHasNoDiskPressure"),
             ("PIDPressure", "False", "KubeletHasSufficientPID"), ("Ready", "True", "KubeletReady")], "the kubelet's conditions, in its order");
        node.Status.Capacity.Keys.Should().BeEquivalentTo(["cpu", "ephemeral-storage", "hugepages-1Gi", "hugepages-2Mi", "memory", "pods"]);
        node.Status.Addresses.Should().Contain(a => a.Type == "InternalIP");
    }

    [Fact]
    public async Task A_no_execute_taint_evicts_pods_that_do_not_tolerate_it_at_once()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Pod("plain"), cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Pod("tolerant", tolerations: [Manifests.Tolerate("maintenance", "NoExecute")]), cancellationToken: TestCluster.Token);
        await cluster.Until(() => TestCluster.IsRunning(cluster.Pod("plain")) && TestCluster.IsRunning(cluster.Pod("tolerant")), "both pods run");

        await Taint(cluster, "maintenance");

        await cluster.Until(() => cluster.Pod("plain") is null or { Metadata.DeletionTimestamp: not null }, "the plain pod is evicted (and terminating)");
        cluster.Pod("tolerant").Should().NotBeNull("it tolerates the taint for ever");
    }

    [Fact]
    public async Task A_toleration_with_seconds_delays_the_eviction()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Pod("patient", tolerations: [Manifests.Tolerate("maintenance", "NoExecute", seconds: 60)]), cancellationToken: TestCluster.Token);
        await cluster.Until(() => TestCluster.IsRunning(cluster.Pod("patient")), "the pod runs");
        var tainted = cluster.Clock.GetUtcNow();

        await Taint(cluster, "maintenance");
        cluster.Clock.Advance(TimeSpan.FromSeconds(30));
        await cluster.Api.CreateAsync(Manifests.Pod("marker", tolerations: [Manifests.Tolerate("maintenance")]), cancellationToken: TestCluster.Token);
        await cluster.Until(() => TestCluster.IsRunning(cluster.Pod("marker")), "the controllers have run after 30s");
        cluster.Pod("patient").Should().NotBeNull("60 seconds have not passed");

        await cluster.Until(() => cluster.Pod("patient") is null, "the pod is evicted", letTimeFlow: true);
        (cluster.Clock.GetUtcNow() - tainted).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(60));
    }

    private static Task<V1Node> Taint(TestCluster cluster, string key) =>
        cluster.Api.PatchAsync<V1Node>(null, "node-a", Api.PatchType.Merge,
            $$$"""{"spec":{"taints":[{"key":"{{{key}}}","effect":"NoExecute"}]}}""", cancellationToken: TestCluster.Token);

    [Fact]
    public void Node_setup_defaults_to_the_cilium_taint() =>
        new NodeSetup().Should().BeEquivalentTo(new { CiliumTaint = true, TaintEffect = "NoExecute" }, "nodes register tainted " + CiliumTaints.AgentNotReady);
}
