using AdmissionGuard.Core;
using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Simulation;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Playground;

/// <summary>
/// A scheduler binds a pod milliseconds after its CREATE, often before the guard's pod cache has the pod: the binding
/// check must wait for the pod rather than fail open. The test makes the race certain: the guard's watches are cut
/// and its reconnection slowed (as on a loaded API server) while the pods are created in-process, where the sandbox's
/// scheduler sees them at once.
/// </summary>
public sealed class BindingRaceTests
{
    private const int PodCount = 30;
    private static readonly string[] Nodes = ["node-1", "node-2"];

    [Fact]
    public async Task Unpinned_tolerating_pods_created_in_a_burst_stay_Pending_while_every_node_is_tainted_and_bind_once_Cilium_is_ready()
    {
        var token = TestContext.Current.CancellationToken;
        await using var playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions
            {
                Simulation = new SimulationOptions { SchedulerInitialBackoff = TimeSpan.FromMilliseconds(500), SchedulerMaxBackoff = TimeSpan.FromSeconds(2) },
            },
            token);
        foreach (var node in Nodes)
        {
            await playground.Cluster.AddNodeAsync(node, cancellationToken: token);
        }

        await playground.WaitUntilCachedAsync(cluster => Nodes.All(n => cluster.GetNode(n) is not null), "the tainted nodes", cancellationToken: token);

        playground.Sandbox.Faults.Latency = TimeSpan.FromMilliseconds(300);
        playground.Sandbox.Faults.DropWatchStreams();
        await Task.WhenAll(Enumerable.Range(0, PodCount).Select(i => playground.Api.CreateAsync(ToleratingPod($"web-{i}"), cancellationToken: token)));
        IReadOnlyList<V1Pod> tried = [];
        await playground.WaitUntilAsync(
            async () => (tried = await PodsAsync(playground, token)).All(pod => pod.Spec.NodeName is not null || BindingWasRefused(pod)),
            "the scheduler to have tried to bind every pod",
            TimeSpan.FromSeconds(30),
            token);

        tried.Should().HaveCount(PodCount);
        tried.Where(pod => pod.Spec.NodeName is not null).Select(pod => $"{pod.Metadata.Name} on {pod.Spec.NodeName}")
            .Should().BeEmpty("every node still carries {0}, so every binding is refused", WellKnown.CiliumAgentNotReadyTaint);
        tried.Should().OnlyContain(pod => pod.Status.Phase == "Pending");
        playground.Sandbox.Faults.Reset();

        await playground.Cluster.InstallCiliumAsync(TimeSpan.FromSeconds(1), token);
        IReadOnlyList<V1Pod> bound = [];
        await playground.WaitUntilAsync(
            async () => (bound = await PodsAsync(playground, token)).All(pod => pod.Spec.NodeName is not null),
            "every pod bound once Cilium is ready",
            TimeSpan.FromSeconds(60),
            token);

        bound.Select(pod => pod.Metadata.Uid).Should().BeEquivalentTo(tried.Select(pod => pod.Metadata.Uid), "the same pods, retried by the scheduler");
        bound.Select(pod => pod.Spec.NodeName).Distinct().Should().BeSubsetOf(Nodes);
        var nodes = await playground.Client.CoreV1.ListNodeAsync(cancellationToken: token);
        nodes.Items.Should().OnlyContain(
            node => node.Spec.Taints == null || node.Spec.Taints.All(t => t.Key != WellKnown.CiliumAgentNotReadyTaint),
            "a retried binding is admitted only once the taint is gone");
    }

    private static async Task<IReadOnlyList<V1Pod>> PodsAsync(GuardOnSandbox playground, CancellationToken token) =>
        [.. (await playground.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=web", cancellationToken: token)).Items];

    /// <summary>The scheduler records a refused binding on the pod and retries it later.</summary>
    private static bool BindingWasRefused(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "SchedulerError") == true;

    private static V1Pod ToleratingPod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec
        {
            Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
            Containers = [new V1Container { Name = "app", Image = "registry.k8s.io/pause:3.10" }],
        },
    };
}
