using AdmissionGuard.Core;
using AdmissionGuard.IntegrationTests.Commands;
using AdmissionGuard.IntegrationTests.Scenarios.Support;
using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Simulation;
using k8s;

namespace AdmissionGuard.IntegrationTests.Readiness;

/// <summary>
/// Every state of "is Cilium ready on this node", end to end through the guard as <c>serve</c> wires it: the taint
/// decides while it is there; without it, a Ready agent pod or no known agent pod (unknown) lets gates go and a known
/// agent pod that is not Ready holds them; healing evicts only where the agent is Ready; a node the guard does not
/// know holds the gates of the pods pinned to it.
/// </summary>
public sealed class NodeReadinessTests
{
    private const string Node = "node-1";
    private static readonly TimeSpan AgentNeverReady = TimeSpan.FromMinutes(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Gate_released_when_the_taint_is_removed_by_hand_and_no_Cilium_agent_pod_is_known()
    {
        await using var cluster = await ReadinessCluster.StartAsync("gate", cancellationToken: Token);
        await cluster.AddNodeAsync(Node, tainted: true, Token);
        var pod = await cluster.CreatePinnedPodAsync("csi", Node, gated: false, Token);
        pod.Spec.SchedulingGates.Should().ContainSingle().Which.Name.Should().Be(WellKnown.SchedulingGate);

        await cluster.RemoveTaintAsync(Node, Token);

        await Observe.UntilAsync(async () => await cluster.PodAsync("csi", Token) is { Gated: false, Phase: "Running" }, "the pod released and running", Token);
        (await GuardEvents.AtLeastAsync(cluster.Client, GuardEvents.GateReleased, 1, Token)).Should().ContainSingle()
            .Which.InvolvedObject.Uid.Should().Be(pod.Metadata.Uid);
    }

    [Fact]
    public async Task Scan_says_a_gate_on_an_untainted_node_without_a_known_agent_pod_goes_not_that_the_agent_is_not_ready()
    {
        // No guard runs, so the gate stays for scan to judge.
        await using var playground = await GuardOnSandbox.StartAsync(new GuardOnSandboxOptions { Instances = 0 }, Token);
        await playground.Cluster.AddNodeAsync(Node, new NodeSetup { CiliumTaint = false }, Token);
        await Workloads.CreateNamespaceAsync(playground.Client, ReadinessCluster.Namespace, Token);
        await new ReadinessCluster(playground).CreatePinnedPodAsync("csi", Node, gated: true, Token);

        var (exitCode, output, error) = await ScanCommandLine.RunAsync(
            ["scan", "--kubeconfig", playground.KubeconfigPath, "--timeout", "30s"]);

        (exitCode, error).Should().Be((0, ""));
        output.Should().Contain($"node {Node} is ready").And.NotContain("is not ready");
    }

    [Fact]
    public async Task Gate_held_while_the_agent_pod_is_not_Ready_even_without_the_taint()
    {
        // Without the operator's re-taint (operator.setNodeTaints=false) only the agent's readiness keeps the node closed.
        await using var cluster = await ReadinessCluster.StartAsync("gate", setNodeTaints: false, Token);
        await cluster.AddNodeAsync(Node, tainted: true, Token);
        await cluster.Playground.Cluster.InstallCiliumAsync(AgentNeverReady, Token);
        await cluster.Playground.WaitUntilCachedAsync(snapshot => snapshot.GetNode(Node)?.AgentReady == false, "the agent pod, not Ready", cancellationToken: Token);
        await cluster.CreatePinnedPodAsync("csi", Node, gated: false, Token);

        await cluster.RemoveTaintAsync(Node, Token);
        await cluster.AfterReconcileCyclesAsync(2, Token);

        (await cluster.PodAsync("csi", Token)).Should().Match<PodState>(p => p.Gated && p.Node == null);
        (await GuardEvents.ListAsync(cluster.Client, GuardEvents.GateReleased, Token)).Should().BeEmpty();
    }

    [Fact]
    public async Task Gate_released_when_the_agent_becomes_Ready_and_Cilium_removes_the_taint()
    {
        await using var cluster = await ReadinessCluster.StartAsync("gate", cancellationToken: Token);
        await cluster.AddNodeAsync(Node, tainted: true, Token);
        var pod = await cluster.CreatePinnedPodAsync("csi", Node, gated: false, Token);
        pod.Spec.SchedulingGates.Should().ContainSingle();

        await cluster.Playground.Cluster.InstallCiliumAsync(cancellationToken: Token);

        await Observe.UntilAsync(async () => await cluster.PodAsync("csi", Token) is { Gated: false, Phase: "Running" }, "the pod released and running", Token);
        var endpoints = await Observe.EndpointOwnersAsync(cluster.Client, Token);
        endpoints.IsManaged(await cluster.PodAsync("csi", Token)).Should().BeTrue("it started after the agent was Ready");
    }

    [Fact]
    public async Task Gate_held_while_the_node_is_unknown_and_released_once_it_registers_untainted()
    {
        await using var cluster = await ReadinessCluster.StartAsync("gate", cancellationToken: Token);
        var pod = await cluster.CreatePinnedPodAsync("csi", Node, gated: true, Token);
        await cluster.AfterReconcileCyclesAsync(2, Token);
        (await cluster.PodAsync("csi", Token)).Gated.Should().BeTrue("node {0} is not known", Node);

        await cluster.AddNodeAsync(Node, tainted: false, Token);

        await Observe.UntilAsync(async () => await cluster.PodAsync("csi", Token) is { Gated: false, Phase: "Running" }, "the pod released and running", Token);
        (await GuardEvents.AtLeastAsync(cluster.Client, GuardEvents.GateReleased, 1, Token)).Should().ContainSingle()
            .Which.InvolvedObject.Uid.Should().Be(pod.Metadata.Uid);
    }

    [Fact]
    public async Task Healing_leaves_an_unmanaged_pod_alone_on_an_untainted_node_without_a_known_agent_pod()
    {
        await using var cluster = await ReadinessCluster.StartAsync("off", cancellationToken: Token);
        await cluster.AddNodeAsync(Node, tainted: true, Token);
        var pod = await StartedBeforeCiliumAsync(cluster);

        await cluster.RemoveTaintAsync(Node, Token);
        await cluster.AfterReconcileCyclesAsync(2, Token);

        (await Observe.PodsAsync(cluster.Client, ReadinessCluster.Namespace, Token)).Select(p => p.Uid).Should().Equal(pod.Uid);
        (await GuardEvents.ListAsync(cluster.Client, GuardEvents.Evicted, Token)).Should().BeEmpty("nothing says Cilium would manage a replacement");
    }

    [Fact]
    public async Task Healing_leaves_an_unmanaged_pod_alone_while_the_agent_pod_is_not_Ready()
    {
        await using var cluster = await ReadinessCluster.StartAsync("off", setNodeTaints: false, Token);
        await cluster.AddNodeAsync(Node, tainted: true, Token);
        var pod = await StartedBeforeCiliumAsync(cluster);
        await cluster.Playground.Cluster.InstallCiliumAsync(AgentNeverReady, Token);
        await cluster.Playground.WaitUntilCachedAsync(snapshot => snapshot.GetNode(Node)?.AgentReady == false, "the agent pod, not Ready", cancellationToken: Token);

        await cluster.RemoveTaintAsync(Node, Token);
        await cluster.AfterReconcileCyclesAsync(2, Token);

        (await Observe.PodsAsync(cluster.Client, ReadinessCluster.Namespace, Token)).Select(p => p.Uid).Should().Equal(pod.Uid);
        (await GuardEvents.ListAsync(cluster.Client, GuardEvents.Evicted, Token)).Should().BeEmpty();
    }

    [Fact]
    public async Task Healing_evicts_an_unmanaged_pod_once_the_agent_is_Ready_and_the_replacement_is_managed()
    {
        await using var cluster = await ReadinessCluster.StartAsync("off", cancellationToken: Token);
        await cluster.AddNodeAsync(Node, tainted: true, Token);
        var pod = await StartedBeforeCiliumAsync(cluster);

        await cluster.Playground.Cluster.InstallCiliumAsync(cancellationToken: Token);

        await Observe.UntilAsync(
            async () => (await Observe.PodsAsync(cluster.Client, ReadinessCluster.Namespace, Token)) is [{ Phase: "Running" } replacement]
                && replacement.Uid != pod.Uid && (await Observe.EndpointOwnersAsync(cluster.Client, Token)).IsManaged(replacement),
            "a managed replacement", Token);
        (await GuardEvents.ListAsync(cluster.Client, GuardEvents.Evicted, Token)).Should().ContainSingle()
            .Which.InvolvedObject.Uid.Should().Be(pod.Uid);
    }

    /// <summary>A blanket-tolerating DaemonSet pod that started before any Cilium agent, older than MinPodAge.</summary>
    private static async Task<PodState> StartedBeforeCiliumAsync(ReadinessCluster cluster)
    {
        await Workloads.CreateDaemonSetAsync(cluster.Client, ReadinessCluster.Namespace, "csi", Token);
        PodState? pod = null;
        await Observe.UntilAsync(
            async () => (pod = (await Observe.PodsAsync(cluster.Client, ReadinessCluster.Namespace, Token)).SingleOrDefault()) is { Phase: "Running" },
            "the csi pod running", Token);
        var started = (await cluster.Client.CoreV1.ReadNamespacedPodAsync(pod!.Name, ReadinessCluster.Namespace, cancellationToken: Token)).Status.StartTime!.Value;
        await cluster.Playground.WaitUntilAsync(
            () => DateTime.UtcNow - started > GuardSetup.MinPodAge, "the pod older than MinPodAge", Observe.Patience, Token);
        return pod;
    }
}
