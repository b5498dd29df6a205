using AdmissionGuard.Core;
using AdmissionGuard.IntegrationTests.Scenarios.Support;
using AdmissionGuard.Metrics;
using k8s;

namespace AdmissionGuard.IntegrationTests.Scenarios;

/// <summary>Gate mode: DaemonSet pods that tolerate the taint wait for Cilium instead of starting without it.</summary>
public abstract class GateModeScenarios
{
    private const string Namespace = "storage";

    [Fact]
    public async Task Blanket_toleration_DaemonSet_pods_on_tainted_nodes_are_gated_then_released_when_Cilium_is_ready_and_never_restarted()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await StartAsync(new GuardSetup { Mode = "gate" }, token);
        var nodes = await cluster.AddTaintedNodesAsync(2, token);
        await cluster.WaitUntilCachedAsync(snapshot => nodes.All(n => snapshot.GetNode(n) is not null), "the tainted nodes", token);
        await using var timeline = await PodTimeline.StartAsync(cluster.Client, token);

        await Workloads.CreateNamespaceAsync(cluster.Client, Namespace, token);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Namespace, "csi-node", token);
        IReadOnlyList<PodState> gated = [];
        await Observe.UntilAsync(
            async () => (gated = await Observe.PodsAsync(cluster.Client, Namespace, token)).Count == nodes.Count,
            "a csi-node pod per node", token);

        gated.Should().OnlyContain(p => p.Gated && p.Phase == "Pending" && p.Node == null, "the gate holds every pod before it is scheduled");
        (await cluster.Client.CoreV1.ListNamespacedPodAsync(Namespace, cancellationToken: token)).Items
            .Should().OnlyContain(p => p.Spec.SchedulingGates.Single().Name == WellKnown.SchedulingGate
                && p.Status.Conditions.Any(c => c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "SchedulingGated"));

        await cluster.InstallCiliumAsync(withoutAgentOn: null, token);
        IReadOnlyList<PodState> running = [];
        await Observe.UntilAsync(
            async () =>
            {
                running = await Observe.PodsAsync(cluster.Client, Namespace, token);
                var endpoints = await Observe.EndpointOwnersAsync(cluster.Client, token);
                return running.Count == nodes.Count && running.All(p => p.Phase == "Running" && p.Ready
                    && (!cluster.Supports(ClusterFeature.CiliumEndpoints) || endpoints.IsManaged(p)));
            },
            "every csi-node pod Running (with its CiliumEndpoint where Cilium makes them)", token);

        running.Select(p => p.Uid).Should().BeEquivalentTo(gated.Select(p => p.Uid), "released pods start as they are: no restart");
        running.Select(p => p.Node).Should().BeEquivalentTo(nodes);
        timeline.States().Should().OnlyContain(
            pods => pods.Values.Count(p => p.Namespace == Namespace) == nodes.Count, "no csi-node pod was ever deleted or replaced");
        await GuardEvents.AtLeastAsync(cluster.Client, GuardEvents.GateReleased, nodes.Count, token);
        var events = await GuardEvents.ListAsync(cluster.Client, token);
        events.Where(e => e.InvolvedObject.NamespaceProperty == Namespace).Select(e => e.Reason)
            .Should().AllBe(GuardEvents.GateReleased).And.HaveCount(nodes.Count);
        events.Where(e => e.Reason == GuardEvents.GateReleased).Select(e => e.InvolvedObject.Uid)
            .Should().BeEquivalentTo(gated.Select(p => p.Uid));
        var leader = cluster.Guards.Single();
        events.Should().OnlyContain(e => e.Source.Host == leader.Identity);
        var metrics = await GuardMetrics.ScrapeAsync(leader, token);
        metrics.GateReleases(ReconcilerMetrics.NodeReady).Should().Be(nodes.Count);
        metrics.Restarts(ReconcilerMetrics.Evicted).Should().Be(0);
        // The gauge is what a cycle found before acting: the cycle after the release reports none.
        await Observe.UntilAsync(
            async () => (await GuardMetrics.ScrapeAsync(leader, token)).Sample("admissionguard_gated_pods") == 0, "the gated-pods gauge at 0", token);
    }

    private protected abstract Task<IClusterUnderTest> StartAsync(GuardSetup setup, CancellationToken cancellationToken);
}
