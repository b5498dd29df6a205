using AdmissionGuard.Sandbox.Cilium;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

public sealed class CiliumSimulationTests
{
    [Fact]
    public async Task Seed_failure_blanket_toleration_daemonsets_started_before_cilium_stay_unmanaged()
    {
        await using var cluster = TestCluster.Start();
        var api = cluster.Api;
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { Zone = "eu-west-1a" }, TestCluster.Token);
        await cluster.Simulation.AddNodeAsync("node-b", new NodeSetup { Zone = "eu-west-1b" }, TestCluster.Token);
        await cluster.Simulation.InstallCiliumAsync(cancellationToken: TestCluster.Token);
        await cluster.Simulation.CreateSeedDaemonSetsAsync(TestCluster.Token);

        await cluster.Until(() => cluster.Pods("kube-system", "app=ebs-csi-node").Count(TestCluster.IsRunning) == 2
                && cluster.Pods("kube-system", "k8s-app=istio-cni-node").Count(TestCluster.IsRunning) == 2
                && cluster.Pods("kube-system", "k8s-app in (cilium,aws-node)").Count(TestCluster.IsRunning) == 4,
            "every DaemonSet runs on both nodes");
        api.List<V1Node>().Should().OnlyContain(n => n.Spec.Taints.Any(t => t.Key == CiliumTaints.AgentNotReady),
            "the agents are not Ready yet, so the taint is still there");

        await cluster.Until(() => api.List<V1Node>().All(n => n.Spec.Taints is null or { Count: 0 }
                && n.Status.Conditions.Any(c => c.Type == "NetworkUnavailable" && c.Status == "False" && c.Reason == "CiliumIsUp")),
            "Cilium removes the taints and reports the network up", letTimeFlow: true);

        await api.CreateAsync(Manifests.Deployment("web", 2), cancellationToken: TestCluster.Token);
        // The pods are read before their endpoints: a pod read before the kubelet started it has no IP yet, though
        // its endpoint may exist by the time it is looked up, so only started pods count.
        var web = await cluster.Until(() => cluster.Pods("default", "app=web") is { Count: 2 } pods && pods.All(p => p.Status?.PodIP is not null && cluster.Endpoint(p) is not null) ? pods : null,
            "the pods created after Cilium got ready have CiliumEndpoints");

        foreach (var pod in web)
        {
            var endpoint = cluster.Endpoint(pod)!;
            endpoint.Metadata.OwnerReferences.Should().ContainSingle().Which.Uid.Should().Be(pod.Metadata.Uid);
            endpoint.Metadata.Labels.Should().Contain("app", "web");
            endpoint.Status!.State.Should().Be("ready");
            endpoint.Status.Identity!.Id.Should().BeGreaterThanOrEqualTo(256);
            endpoint.Status.Id.Should().BePositive();
            endpoint.Status.Networking!.Addressing!.Single().Ipv4.Should().Be(pod.Status.PodIP);
            var node = api.Get<V1Node>(null, pod.Spec.NodeName)!;
            endpoint.Status.Networking.NodeIp.Should().Be(node.Status.Addresses.Single(a => a.Type == "InternalIP").Address);
        }

        var early = cluster.Pods("kube-system", "app=ebs-csi-node").Concat(cluster.Pods("kube-system", "k8s-app=istio-cni-node")).ToList();
        early.Should().HaveCount(4).And.OnlyContain(p => TestCluster.IsRunning(p));
        early.Should().OnlyContain(p => cluster.Endpoint(p) == null, "they started before the agent on their node was Ready");
        var hostNetwork = cluster.Pods("kube-system", "k8s-app in (cilium,aws-node)");
        hostNetwork.Should().HaveCount(4).And.OnlyContain(p => cluster.Endpoint(p) == null, "hostNetwork pods never get endpoints");
    }

    [Fact]
    public async Task An_agent_crash_retaints_the_node_empty_NoSchedule_until_the_restarted_agent_is_Ready_again()
    {
        await using var cluster = TestCluster.Start();
        var api = cluster.Api;
        await cluster.Simulation.AddNodeAsync("node-a", cancellationToken: TestCluster.Token);
        await cluster.Simulation.InstallCiliumAsync(cancellationToken: TestCluster.Token);
        await cluster.Until(() => api.Get<V1Node>(null, "node-a")!.Spec.Taints is null or { Count: 0 }, "the agent Ready and the taint gone", letTimeFlow: true);

        var firstContainer = cluster.Pods("kube-system", "k8s-app=cilium").Single().Status.ContainerStatuses.Single().ContainerID;
        await cluster.Simulation.CrashCiliumAgentAsync("node-a", TestCluster.Token);

        var taint = await cluster.Until(() => api.Get<V1Node>(null, "node-a")!.Spec.Taints?.SingleOrDefault(), "the node re-tainted");
        (taint.Key, taint.Value ?? "", taint.Effect).Should().Be((CiliumTaints.AgentNotReady, "", "NoSchedule"));
        var crashed = cluster.Pods("kube-system", "k8s-app=cilium").Single().Status;
        crashed.Conditions.Should().Contain(c => c.Type == "Ready" && c.Status == "False");
        crashed.ContainerStatuses.Single().Should().Match<V1ContainerStatus>(c => c.RestartCount == 1 && c.State.Waiting.Reason == "CrashLoopBackOff");
        crashed.ContainerStatuses.Single().LastState.Terminated.ContainerID.Should().Be(firstContainer, "the dead container's logs stay readable with --previous");

        await cluster.Simulation.RestartCiliumAgentAsync("node-a", TestCluster.Token);

        await cluster.Until(() => api.Get<V1Node>(null, "node-a")!.Spec.Taints is null or { Count: 0 }, "the restarted agent Ready and the taint gone again", letTimeFlow: true);
        var restarted = cluster.Pods("kube-system", "k8s-app=cilium").Single().Status.ContainerStatuses.Single();
        (restarted.Ready, restarted.State.Running is not null).Should().Be((true, true));
        restarted.ContainerID.Should().NotBe(firstContainer, "each start of a container gets a new id");
        restarted.LastState.Terminated.ContainerID.Should().Be(firstContainer);
    }

    [Fact]
    public async Task A_restarted_unmanaged_pod_gets_an_endpoint_and_the_endpoint_goes_away_with_its_pod()
    {
        await using var cluster = TestCluster.Start();
        var api = cluster.Api;
        await cluster.Simulation.AddNodeAsync("node-a", cancellationToken: TestCluster.Token);
        await cluster.Simulation.InstallCiliumAsync(cancellationToken: TestCluster.Token);
        await api.CreateAsync(SimulatedWorkloads.EbsCsiNode(), cancellationToken: TestCluster.Token);
        var first = await cluster.Until(() => cluster.Pods("kube-system", "app=ebs-csi-node").SingleOrDefault(TestCluster.IsRunning), "ebs-csi-node runs");
        await cluster.Until(() => api.Get<V1Node>(null, "node-a")!.Spec.Taints is null or { Count: 0 }, "the agent is Ready", letTimeFlow: true);

        await api.DeleteAsync<V1Pod>("kube-system", first.Metadata.Name, cancellationToken: TestCluster.Token);
        var second = await cluster.Until(() => cluster.Pods("kube-system", "app=ebs-csi-node").SingleOrDefault(p => TestCluster.IsRunning(p) && cluster.Endpoint(p) is not null),
            "the recreated pod is managed by Cilium", letTimeFlow: true);
        second.Metadata.Uid.Should().NotBe(first.Metadata.Uid);

        await api.DeleteAsync<V1DaemonSet>("kube-system", "ebs-csi-node", cancellationToken: TestCluster.Token);
        await cluster.Until(() => api.List<CiliumEndpoint>("kube-system").Count == 0 && cluster.Pods("kube-system", "app=ebs-csi-node").Count == 0,
            "the garbage collector removes the pod and then its endpoint", letTimeFlow: true);
    }

    [Fact]
    public async Task Slim_mode_creates_no_endpoints()
    {
        await using var cluster = TestCluster.Start(new SimulationOptions { CiliumEndpoints = false, CiliumAgentStartupDelay = TimeSpan.Zero, StartupDelay = TimeSpan.Zero });
        await cluster.Simulation.AddNodeAsync("node-a", cancellationToken: TestCluster.Token);
        await cluster.Simulation.InstallCiliumAsync(cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Api.Get<V1Node>(null, "node-a")!.Spec.Taints is null or { Count: 0 }, "the agent is Ready");

        await cluster.Api.CreateAsync(Manifests.Pod("web"), cancellationToken: TestCluster.Token);
        await cluster.Until(() => TestCluster.IsReady(cluster.Pod("web")), "the pod runs");

        cluster.Simulation.ServesCiliumEndpoints.Should().BeFalse();
        cluster.Api.List<CiliumEndpoint>().Should().BeEmpty();
    }
}
