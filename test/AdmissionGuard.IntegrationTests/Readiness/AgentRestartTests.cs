using AdmissionGuard.Core;
using AdmissionGuard.IntegrationTests.Scenarios.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Readiness;

/// <summary>
/// Cilium's operator re-taints a node (<c>node.cilium.io/agent-not-ready</c>, empty value, NoSchedule) whenever the
/// agent pod there is scheduled but not Ready, as during an upgrade or after a crash. The guard treats the window like
/// a new node: new tolerating pods are gated until the agent is back, bindings onto the node are refused only while
/// the taint is there, and the pods already running there are left alone.
/// </summary>
public sealed class AgentRestartTests
{
    private const string Node = "node-1";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task While_the_agent_is_down_the_node_is_retainted_new_pods_are_gated_bindings_refused_and_running_pods_left_alone()
    {
        await using var cluster = await ReadinessCluster.StartAsync("gate", cancellationToken: Token);
        var client = cluster.Client;
        await cluster.AddNodeAsync(Node, tainted: true, Token);
        await cluster.Playground.Cluster.InstallCiliumAsync(cancellationToken: Token);
        await cluster.Playground.WaitUntilCachedAsync(
            snapshot => snapshot.GetNode(Node) is { Taints.Count: 0, AgentReady: true }, "the node ready", cancellationToken: Token);
        await Workloads.CreateDaemonSetAsync(client, ReadinessCluster.Namespace, "csi-node", Token);
        PodState? running = null;
        await Observe.UntilAsync(
            async () => (running = (await Observe.PodsAsync(client, ReadinessCluster.Namespace, Token)).SingleOrDefault()) is { Phase: "Running", Ready: true },
            "the csi-node pod running", Token);

        await cluster.Playground.Cluster.CrashCiliumAgentAsync(Node, Token);

        await cluster.Playground.WaitUntilCachedAsync(
            snapshot => snapshot.GetNode(Node)?.FindTaint([WellKnown.CiliumAgentNotReadyTaint]) is not null, "the node re-tainted", cancellationToken: Token);
        var taint = (await client.CoreV1.ReadNodeAsync(Node, cancellationToken: Token)).Spec.Taints.Should().ContainSingle().Subject;
        (taint.Key, taint.Value ?? "", taint.Effect).Should().Be((WellKnown.CiliumAgentNotReadyTaint, "", "NoSchedule"));
        await Workloads.CreateDaemonSetAsync(client, ReadinessCluster.Namespace, "mesh-node", Token);
        await Observe.UntilAsync(
            async () => (await Observe.PodsAsync(client, ReadinessCluster.Namespace, Token)).Any(p => p.OwnerName == "mesh-node" && p.Gated),
            "the new mesh-node pod gated", Token);
        var unpinned = await CreateUnscheduledPodAsync(client, "web");
        var bind = () => BindAsync(client, unpinned, Node);
        (await bind.Should().ThrowAsync<HttpOperationException>()).Which.Response.Content
            .Should().Contain("denied the request").And.Contain(WellKnown.CiliumAgentNotReadyTaint);
        await cluster.AfterReconcileCyclesAsync(2, Token);
        var duringOutage = await Observe.PodsAsync(client, ReadinessCluster.Namespace, Token);
        duringOutage.Should().ContainSingle(p => p.OwnerName == "csi-node").Which.Uid.Should().Be(running!.Uid, "a pod Cilium manages is not restarted while its agent is down");
        duringOutage.Should().ContainSingle(p => p.OwnerName == "mesh-node").Which.Gated.Should().BeTrue();

        await cluster.Playground.Cluster.RestartCiliumAgentAsync(Node, Token);

        await Observe.UntilAsync(
            async () => (await Observe.PodsAsync(client, ReadinessCluster.Namespace, Token)).SingleOrDefault(p => p.OwnerName == "mesh-node") is { Gated: false, Phase: "Running" },
            "the mesh-node pod released and running", Token);
        (await client.CoreV1.ReadNodeAsync(Node, cancellationToken: Token)).Spec.Taints.Should().BeNullOrEmpty("the agent is Ready again");
        await BindAsync(client, unpinned, Node);
        var after = await Observe.PodsAsync(client, ReadinessCluster.Namespace, Token);
        after.Single(p => p.OwnerName == "csi-node").Uid.Should().Be(running!.Uid);
        var endpoints = await Observe.EndpointOwnersAsync(client, Token);
        endpoints.IsManaged(after.Single(p => p.OwnerName == "mesh-node")).Should().BeTrue("it started after the agent was Ready again");
        (await GuardEvents.ListAsync(client, GuardEvents.Evicted, Token)).Should().BeEmpty();
    }

    /// <summary>A pod the sandbox's scheduler leaves alone (another schedulerName): the test posts its binding itself.</summary>
    private static Task<V1Pod> CreateUnscheduledPodAsync(Kubernetes client, string name) =>
        client.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ReadinessCluster.Namespace },
                Spec = new V1PodSpec
                {
                    SchedulerName = "test-scheduler",
                    Tolerations = Workloads.BlanketToleration,
                    Containers = [new V1Container { Name = "app", Image = Workloads.Image }],
                },
            },
            ReadinessCluster.Namespace,
            cancellationToken: Token);

    private static Task<V1Binding> BindAsync(Kubernetes client, V1Pod pod, string node) =>
        client.CoreV1.CreateNamespacedPodBindingAsync(
            new V1Binding
            {
                Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = ReadinessCluster.Namespace },
                Target = new V1ObjectReference { Kind = "Node", Name = node },
            },
            pod.Metadata.Name,
            ReadinessCluster.Namespace,
            cancellationToken: Token);
}
