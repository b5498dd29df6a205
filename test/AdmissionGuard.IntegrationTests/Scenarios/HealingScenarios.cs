using System.Globalization;
using AdmissionGuard.Core;
using AdmissionGuard.IntegrationTests.Scenarios.Support;
using AdmissionGuard.Metrics;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Scenarios;

/// <summary>
/// Healing: pods that started before Cilium (created while the guard's admission was <c>off</c>, so nothing held
/// them) are found without a CiliumEndpoint and evicted within the budgets, and come back managed.
/// </summary>
public abstract class HealingScenarios
{
    private const string Apps = "apps";
    private const string Excluded = "excluded";
    private const int MaxRestartsPerCycle = 2;

    [Fact]
    public async Task Pods_that_started_before_Cilium_are_evicted_within_the_budgets_and_come_back_managed_and_exempt_pods_are_never_touched()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await StartAsync(
            new GuardSetup
            {
                Mode = "off",
                Settings = new Dictionary<string, string>
                {
                    ["Reconciler:MaxRestartsPerCycle"] = MaxRestartsPerCycle.ToString(CultureInfo.InvariantCulture),
                    ["Admission:ExcludedNamespaces:0"] = Excluded,
                },
            },
            token);
        cluster.Require(ClusterFeature.CiliumEndpoints);
        cluster.Require(ClusterFeature.SeveralNodes);
        var nodes = await cluster.AddTaintedNodesAsync(3, token);
        var withAgent = nodes.Take(2).ToList();
        var withoutAgent = nodes[2];
        await Workloads.CreateNamespaceAsync(cluster.Client, Apps, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Excluded, token);
        // Four controllers with a pod on every node: more owners with unmanaged pods than restarts per cycle.
        string[] healable = ["csi-node", "cni-node", "mesh-node", "log-node"];
        foreach (var name in healable)
        {
            await Workloads.CreateDaemonSetAsync(cluster.Client, Apps, name, token);
        }

        await Workloads.CreateDeploymentAsync(cluster.Client, Apps, "web", replicas: 2, withAgent, token);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Apps, "host-agent", token, hostNetwork: true);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Apps, "legacy", token, optedOut: true);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Excluded, "csi-node", token);
        var before = await AllRunningAndOlderThanMinPodAgeAsync(cluster, expected: (healable.Length + 2) * nodes.Count + 2 + nodes.Count, token);

        await using var timeline = await PodTimeline.StartAsync(cluster.Client, token);
        await cluster.InstallCiliumAsync(withoutAgentOn: [withoutAgent], token);
        // Someone untaints the agent-less node by hand: only the agent check keeps the guard away from it.
        await RemoveTaintWhenAgentsAreReadyAsync(cluster, withAgent, withoutAgent, token);

        var toHeal = before.Where(p => p.Namespace == Apps && p.Node != withoutAgent && !p.Name.StartsWith("host-agent", StringComparison.Ordinal)
            && !p.Name.StartsWith("legacy", StringComparison.Ordinal)).ToList();
        toHeal.Should().HaveCount((healable.Length * withAgent.Count) + 2);
        await Observe.UntilAsync(
            async () =>
            {
                var pods = await Observe.PodsAsync(cluster.Client, Apps, token);
                var endpoints = await Observe.EndpointOwnersAsync(cluster.Client, token);
                return toHeal.All(p => pods.All(q => q.Uid != p.Uid))
                    && pods.Where(p => p.Node != withoutAgent && p.OwnerName is not null && !p.OwnerName.StartsWith("host-agent", StringComparison.Ordinal)
                        && !p.OwnerName.StartsWith("legacy", StringComparison.Ordinal))
                        .Count(p => p.Phase == "Running" && endpoints.IsManaged(p)) == toHeal.Count;
            },
            "every pod on a node with a ready agent replaced by one Cilium manages", token);

        var evictions = await GuardEvents.ListAsync(cluster.Client, GuardEvents.Evicted, token);
        evictions.Select(e => e.InvolvedObject.Uid).Should().BeEquivalentTo(toHeal.Select(p => p.Uid), "exactly the unmanaged pods were evicted, once each");
        var untouched = before.Except(toHeal).ToList();
        var after = (await Observe.PodsAsync(cluster.Client, Apps, token)).Concat(await Observe.PodsAsync(cluster.Client, Excluded, token)).ToList();
        after.Select(p => p.Uid).Should().Contain(untouched.Select(p => p.Uid),
            "hostNetwork, opted-out, excluded-namespace pods and pods on the agent-less node are never restarted");
        (await GuardEvents.ListAsync(cluster.Client, token)).Should().NotContain(e => untouched.Any(p => p.Uid == e.InvolvedObject.Uid));

        timeline.MostRestartsInFlightPerOwner(toHeal.Select(p => p.Uid).ToHashSet(StringComparer.Ordinal)).Values
            .Should().OnlyContain(inFlight => inFlight == 1, "each controller's next pod waits until the last one's replacement runs");
        cluster.Log.RestartsPerCycle.Should().OnlyContain(restarts => restarts <= MaxRestartsPerCycle)
            .And.Contain(MaxRestartsPerCycle, "five controllers had unmanaged pods at once, so a cycle used its whole budget");
        var metrics = await GuardMetrics.ScrapeAsync(cluster.Guards.Single(), token);
        metrics.Restarts(ReconcilerMetrics.Evicted).Should().Be(toHeal.Count);
        metrics.Restarts(ReconcilerMetrics.Error).Should().Be(0);
        // The gauge is what a cycle found before acting; pods on the agent-less node are not counted.
        await Observe.UntilAsync(
            async () => (await GuardMetrics.ScrapeAsync(cluster.Guards.Single(), token)).UnmanagedPods == 0, "the unmanaged-pods gauge at 0", token);
    }

    [Fact]
    public async Task Evictions_respect_PodDisruptionBudgets_a_blocked_one_is_counted_and_reported_and_Ready_never_drops_below_the_minimum()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await StartAsync(
            new GuardSetup { Mode = "off", Settings = new Dictionary<string, string> { ["Reconciler:BlockedAfter"] = "00:00:03" } }, token);
        cluster.Require(ClusterFeature.CiliumEndpoints);
        var nodes = await cluster.AddTaintedNodesAsync(2, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Apps, token);
        // "frozen" allows no disruption at all; "rolling" allows one.
        await Workloads.CreateDeploymentAsync(cluster.Client, Apps, "frozen", replicas: 2, nodes, token);
        await Workloads.CreateDisruptionBudgetAsync(cluster.Client, Apps, "frozen", minAvailable: 2, token);
        await Workloads.CreateDeploymentAsync(cluster.Client, Apps, "rolling", replicas: 3, nodes, token);
        await Workloads.CreateDisruptionBudgetAsync(cluster.Client, Apps, "rolling", minAvailable: 2, token);
        var before = await AllRunningAndOlderThanMinPodAgeAsync(cluster, expected: 5, token);
        await Observe.UntilAsync(
            async () => (await cluster.Client.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(Apps, cancellationToken: token)).Items
                .All(b => b.Status?.CurrentHealthy == b.Status?.ExpectedPods && b.Status?.ExpectedPods > 0),
            "the budgets to count every pod", token);

        await using var timeline = await PodTimeline.StartAsync(cluster.Client, token);
        await cluster.InstallCiliumAsync(withoutAgentOn: null, token);
        var frozen = before.Where(p => p.Name.StartsWith("frozen", StringComparison.Ordinal)).ToList();
        var rolling = before.Where(p => p.Name.StartsWith("rolling", StringComparison.Ordinal)).ToList();
        await Observe.UntilAsync(
            async () =>
            {
                var pods = await Observe.PodsAsync(cluster.Client, Apps, token);
                var endpoints = await Observe.EndpointOwnersAsync(cluster.Client, token);
                var blocked = await GuardEvents.ListAsync(cluster.Client, GuardEvents.RestartBlocked, token);
                return pods.Count(p => p.Name.StartsWith("rolling", StringComparison.Ordinal) && p.Phase == "Running" && endpoints.IsManaged(p)) == rolling.Count
                    && blocked.Count >= 1;
            },
            "every rolling pod replaced by a managed one, and a frozen pod's eviction refused for BlockedAfter", token);

        timeline.MinimumReady(p => p.Name.StartsWith("frozen", StringComparison.Ordinal)).Should().Be(2);
        timeline.MinimumReady(p => p.Name.StartsWith("rolling", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(2);
        (await Observe.PodsAsync(cluster.Client, Apps, token)).Where(p => p.Name.StartsWith("frozen", StringComparison.Ordinal)).Select(p => p.Uid)
            .Should().BeEquivalentTo(frozen.Select(p => p.Uid), "a budget that allows no disruption stops every eviction");
        var blocked = await GuardEvents.ListAsync(cluster.Client, GuardEvents.EvictionBlocked, token);
        blocked.Should().OnlyContain(e => e.Type == "Warning" && frozen.Any(p => p.Uid == e.InvolvedObject.Uid));
        blocked.Should().ContainSingle(
            "one attempt per controller at a time: the same frozen pod is retried each cycle, its sibling waits behind it; one Event for its first refusal");
        var tooLong = (await GuardEvents.ListAsync(cluster.Client, GuardEvents.RestartBlocked, token)).Should().ContainSingle().Subject;
        tooLong.InvolvedObject.Uid.Should().Be(blocked.Single().InvolvedObject.Uid);
        tooLong.Type.Should().Be("Warning");
        tooLong.Message.Should().Contain("PodDisruptionBudget frozen allows no disruption now").And.EndWith("or set Reconciler:EscalateBlockedAfter");
        (await GuardEvents.ListAsync(cluster.Client, GuardEvents.Evicted, token)).Select(e => e.InvolvedObject.Uid)
            .Should().BeEquivalentTo(rolling.Select(p => p.Uid));
        var metrics = await GuardMetrics.ScrapeAsync(cluster.Guards.Single(), token);
        metrics.Restarts(ReconcilerMetrics.BlockedByPdb).Should().BeGreaterThanOrEqualTo(2, "every refusal is counted, and the pod is retried each cycle");
        metrics.Restarts(ReconcilerMetrics.Evicted).Should().Be(rolling.Count);
        metrics.BlockedPods.Should().Be(1);
    }

    [Fact]
    public async Task Dry_run_evicts_nothing_but_reports_each_unmanaged_pod_with_an_event_and_the_dry_run_count()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await StartAsync(new GuardSetup { Mode = "off", DryRun = true }, token);
        cluster.Require(ClusterFeature.CiliumEndpoints);
        var nodes = await cluster.AddTaintedNodesAsync(2, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Apps, token);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Apps, "csi-node", token);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Apps, "host-agent", token, hostNetwork: true);
        var before = await AllRunningAndOlderThanMinPodAgeAsync(cluster, expected: 2 * nodes.Count, token);
        var unmanaged = before.Where(p => p.Name.StartsWith("csi-node", StringComparison.Ordinal)).ToList();

        await using var timeline = await PodTimeline.StartAsync(cluster.Client, token);
        await cluster.InstallCiliumAsync(withoutAgentOn: null, token);
        var leader = cluster.Guards.Single();
        GuardMetrics metrics = null!;
        await Observe.UntilAsync(
            async () => (metrics = await GuardMetrics.ScrapeAsync(leader, token)).Restarts(ReconcilerMetrics.DryRun) == unmanaged.Count,
            "a dry-run report for each unmanaged pod", token);
        // Give the reconciler two more full cycles in which it could misbehave.
        var cycles = cluster.Log.RestartsPerCycle.Count;
        await Observe.UntilAsync(() => Task.FromResult(cluster.Log.RestartsPerCycle.Count >= cycles + 2), "two more reconcile cycles", token);

        (await GuardEvents.ListAsync(cluster.Client, token)).Select(e => (e.Reason, e.InvolvedObject.Uid))
            .Should().BeEquivalentTo(unmanaged.Select(p => (GuardEvents.DryRunWouldEvict, p.Uid)), "one report per pod, nothing else");
        (await Observe.PodsAsync(cluster.Client, Apps, token)).Select(p => p.Uid).Should().BeEquivalentTo(before.Select(p => p.Uid));
        timeline.States().Should().OnlyContain(pods => pods.Count(p => p.Value.Namespace == Apps) == before.Count, "no pod was ever deleted");
        cluster.Log.RestartsPerCycle.Should().OnlyContain(restarts => restarts == 0);
        metrics = await GuardMetrics.ScrapeAsync(leader, token);
        metrics.Restarts(ReconcilerMetrics.DryRun).Should().Be(unmanaged.Count, "reported once per pod within the cool-down");
        metrics.Restarts(ReconcilerMetrics.Evicted).Should().Be(0);
        metrics.UnmanagedPods.Should().Be(unmanaged.Count);
    }

    [Fact]
    public async Task An_unmanaged_StatefulSet_pod_is_evicted_and_its_controller_brings_it_back_under_its_name_managed_by_Cilium()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await StartAsync(new GuardSetup { Mode = "off" }, token);
        cluster.Require(ClusterFeature.CiliumEndpoints);
        var nodes = await cluster.AddTaintedNodesAsync(1, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Apps, token);
        await Workloads.CreateStatefulSetAsync(cluster.Client, Apps, "db", replicas: 2, nodes, token);
        var before = await AllRunningAndOlderThanMinPodAgeAsync(cluster, expected: 2, token);

        await cluster.InstallCiliumAsync(withoutAgentOn: null, token);

        IReadOnlyList<PodState> after = [];
        await Observe.UntilAsync(
            async () =>
            {
                after = await Observe.PodsAsync(cluster.Client, Apps, token);
                var endpoints = await Observe.EndpointOwnersAsync(cluster.Client, token);
                return after.Count == 2 && after.All(p => p.Phase == "Running" && p.Ready && endpoints.IsManaged(p) && before.All(b => b.Uid != p.Uid));
            },
            "both StatefulSet pods replaced by ones Cilium manages", token);

        after.Select(p => p.Name).Should().BeEquivalentTo(["db-0", "db-1"], "a StatefulSet brings a pod back under its own name");
        var evictions = await GuardEvents.ListAsync(cluster.Client, GuardEvents.Evicted, token);
        evictions.Select(e => e.InvolvedObject.Uid).Should().BeEquivalentTo(before.Select(p => p.Uid), "each unmanaged pod evicted once, its same-named successor never");
    }

    private protected abstract Task<IClusterUnderTest> StartAsync(GuardSetup setup, CancellationToken cancellationToken);

    /// <summary>Waits until <paramref name="expected"/> pods run, every one started longer ago than the guard's minimum pod age.</summary>
    private static async Task<IReadOnlyList<PodState>> AllRunningAndOlderThanMinPodAgeAsync(IClusterUnderTest cluster, int expected, CancellationToken token)
    {
        IReadOnlyList<V1Pod> pods = [];
        await Observe.UntilAsync(
            async () =>
            {
                pods = [.. (await cluster.Client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: token)).Items
                    .Where(p => p.Metadata.NamespaceProperty is Apps or Excluded)];
                return pods.Count == expected && pods.All(p => p.Status.Phase == "Running" && p.Status.StartTime is { } started
                    && DateTime.UtcNow - started.ToUniversalTime() > GuardSetup.MinPodAge);
            },
            $"{expected} pods running for longer than the minimum pod age", token);
        return [.. pods.Select(PodState.From)];
    }

    private static async Task RemoveTaintWhenAgentsAreReadyAsync(IClusterUnderTest cluster, IReadOnlyList<string> withAgent, string withoutAgent, CancellationToken token)
    {
        await Observe.UntilAsync(
            async () => (await cluster.Client.CoreV1.ListNodeAsync(cancellationToken: token)).Items
                .Where(n => withAgent.Contains(n.Metadata.Name))
                .All(n => n.Spec.Taints?.Any(t => t.Key == WellKnown.CiliumAgentNotReadyTaint) != true),
            "Cilium to untaint the nodes with an agent", token);
        await cluster.Client.CoreV1.PatchNodeAsync(
            new V1Patch("""{"spec":{"taints":null}}""", V1Patch.PatchType.MergePatch), withoutAgent, cancellationToken: token);
    }
}
