using AdmissionGuard.IntegrationTests.Scenarios.Support;
using AdmissionGuard.Metrics;
using AdmissionGuard.Reconciler;
using AdmissionGuard.Sandbox.Simulation;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Scenarios.Sandbox;

/// <summary>
/// When the safe path is blocked, through the production composition on the sandbox (whose eviction and disruption
/// controller behave as kube-apiserver's): budgets that can never allow an eviction, a node whose Cilium wires no pod,
/// and a leader that dies with restarts in flight. Sandbox-only: a real cluster offers no switch to break Cilium.
/// </summary>
public sealed class BlockedHealingOnSandbox
{
    private const string Apps = "apps";

    [Fact]
    public async Task Evictions_that_can_never_succeed_are_explained_and_past_EscalateBlockedAfter_the_pods_are_deleted_by_UID()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxClusterUnderTest.StartAsync(
            new GuardSetup
            {
                Mode = "off",
                Settings = new Dictionary<string, string>
                {
                    ["Reconciler:BlockedAfter"] = "00:00:02",
                    ["Reconciler:EscalateBlockedAfter"] = "00:00:04",
                },
            },
            token);
        var nodes = await cluster.AddTaintedNodesAsync(2, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Apps, token);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Apps, "csi-node", token);
        await Workloads.CreateDeploymentAsync(cluster.Client, Apps, "web", replicas: 1, nodes, token);
        // maxUnavailable over DaemonSet pods: the disruption controller answers SyncFailed, every eviction gets 429.
        await CreateBudgetAsync(cluster.Client, "csi-node", "csi-node", new V1PodDisruptionBudgetSpec { MaxUnavailable = 1 }, token);
        // Two budgets over one pod: every eviction gets 500, whatever each allows.
        await CreateBudgetAsync(cluster.Client, "web-a", "web", new V1PodDisruptionBudgetSpec { MinAvailable = 0 }, token);
        await CreateBudgetAsync(cluster.Client, "web-b", "web", new V1PodDisruptionBudgetSpec { MinAvailable = 0 }, token);
        var before = await RunningAsync(cluster, expected: 3, token);

        await cluster.InstallCiliumAsync(withoutAgentOn: null, token);
        await Observe.UntilAsync(() => AllManagedAndReplacedAsync(cluster, before, token), "every pod replaced by one Cilium manages", token);

        var blocked = await GuardEvents.ListAsync(cluster.Client, GuardEvents.RestartBlocked, token);
        blocked.Select(e => e.InvolvedObject.Uid).Should().BeEquivalentTo(before.Select(p => p.Uid));
        blocked.Where(e => e.InvolvedObject.Name.StartsWith("csi-node", StringComparison.Ordinal)).Should().HaveCount(2)
            .And.OnlyContain(e => e.Message.Contains("PodDisruptionBudget csi-node cannot compute disruptions (SyncFailed: ", StringComparison.Ordinal)
                && e.Message.EndsWith("it will be deleted instead once refused for 4s (Reconciler:EscalateBlockedAfter)", StringComparison.Ordinal));
        blocked.Single(e => e.InvolvedObject.Name.StartsWith("web", StringComparison.Ordinal)).Message
            .Should().Contain("selected by 2 PodDisruptionBudgets (web-a, web-b): the Eviction API refuses such pods (500)");
        var deleted = await GuardEvents.ListAsync(cluster.Client, GuardEvents.BlockedPodDeleted, token);
        deleted.Select(e => e.InvolvedObject.Uid).Should().BeEquivalentTo(before.Select(p => p.Uid), "each blocked pod was deleted once");
        deleted.Should().OnlyContain(e => e.Type == "Warning" && e.Metadata.Annotations.ContainsKey(RestartEvents.OwnerAnnotation));
        var metrics = await GuardMetrics.ScrapeAsync(cluster.Guards.Single(), token);
        metrics.Restarts(ReconcilerMetrics.Escalated).Should().Be(3);
        metrics.Restarts(ReconcilerMetrics.Evicted).Should().Be(0);
        metrics.Restarts(ReconcilerMetrics.BlockedByPdb).Should().BeGreaterThanOrEqualTo(3);
        metrics.Restarts(ReconcilerMetrics.Error).Should().Be(0, "the several-budgets 500 is a refusal, not an error");
    }

    [Fact]
    public async Task Scan_reads_the_budgets_and_says_which_unmanaged_pods_cannot_be_evicted_and_why()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxClusterUnderTest.StartAsync(new GuardSetup { Mode = "off", DryRun = true }, token);
        await cluster.AddTaintedNodesAsync(2, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Apps, token);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Apps, "csi-node", token);
        await CreateBudgetAsync(cluster.Client, "csi-node", "csi-node", new V1PodDisruptionBudgetSpec { MaxUnavailable = 1 }, token);
        var pods = await RunningAsync(cluster, expected: 2, token);
        await cluster.InstallCiliumAsync(withoutAgentOn: null, token);
        await Observe.UntilAsync(
            async () => (await GuardEvents.ListAsync(cluster.Client, GuardEvents.DryRunWouldEvict, token)).Count == 2, "the dry run to find both pods unmanaged", token);

        var (exitCode, output, error) = await Commands.ScanCommandLine.RunAsync(
            "scan", "--kubeconfig", cluster.KubeconfigPath, "-o", "json", "--min-pod-age", "0s", "--timeout", "30s");

        exitCode.Should().Be(1, error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var unmanaged = json.RootElement.GetProperty("unmanagedPods").EnumerateArray().ToList();
        unmanaged.Select(p => p.GetProperty("uid").GetString()).Should().BeEquivalentTo(pods.Select(p => p.Uid));
        unmanaged.Should().OnlyContain(p => p.GetProperty("evictionBlocked").GetProperty("kind").GetString() == "budgetCannotCompute"
            && p.GetProperty("evictionBlocked").GetProperty("detail").GetString()!.StartsWith("PodDisruptionBudget csi-node cannot compute disruptions (SyncFailed: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restarts_on_a_node_whose_Cilium_wires_nothing_stop_after_two_with_a_Warning_on_the_node_and_resume_with_a_new_agent()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxClusterUnderTest.StartAsync(new GuardSetup { Mode = "off" }, token);
        var nodes = await cluster.AddTaintedNodesAsync(2, token);
        var broken = nodes[1];
        await SetCiliumBrokenAsync(cluster.Client, broken, true, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Apps, token);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Apps, "csi-node", token);
        await RunningAsync(cluster, expected: 2, token);

        await cluster.InstallCiliumAsync(withoutAgentOn: null, token);
        await Observe.UntilAsync(
            async () => (await GuardEvents.ListAsync(cluster.Client, GuardEvents.RestartsPaused, token)).Count == 1
                && await ManagedOnAsync(cluster.Client, nodes[0], token),
            $"restarts paused on {broken}, and the pod on {nodes[0]} healed", token);

        var paused = (await GuardEvents.ListAsync(cluster.Client, GuardEvents.RestartsPaused, token)).Single();
        (paused.InvolvedObject.Kind, paused.InvolvedObject.Name, paused.Type).Should().Be(("Node", broken, "Warning"));
        paused.Message.Should().StartWith($"2 restarts on node {broken} came back without a CiliumEndpoint");
        var evictedOnBroken = (await GuardEvents.ListAsync(cluster.Client, GuardEvents.Evicted, token))
            .Count(e => e.Metadata.Annotations?[RestartEvents.NodeAnnotation] == broken);
        evictedOnBroken.Should().Be(2, "the pod that predates Cilium and its replacement, whose replacements both came back unmanaged; none after");
        (await GuardMetrics.ScrapeAsync(cluster.Guards.Single(), token)).PausedNodes.Should().Be(1);

        // Fixing Cilium there means a new agent pod: restarts resume.
        await SetCiliumBrokenAsync(cluster.Client, broken, false, token);
        var agent = (await cluster.Client.CoreV1.ListNamespacedPodAsync("kube-system", fieldSelector: $"spec.nodeName={broken}", cancellationToken: token)).Items
            .Single(p => p.Metadata.Labels?.TryGetValue("k8s-app", out var app) == true && app == "cilium");
        await cluster.Client.CoreV1.DeleteNamespacedPodAsync(agent.Metadata.Name, "kube-system", new V1DeleteOptions { GracePeriodSeconds = 0 }, cancellationToken: token);
        await Observe.UntilAsync(() => ManagedOnAsync(cluster.Client, broken, token), $"the pod on {broken} healed once its agent was replaced", token);
        await Observe.UntilAsync(
            async () => (await GuardMetrics.ScrapeAsync(cluster.Guards.Single(), token)).PausedNodes == 0, "the paused-nodes gauge at 0", token);
    }

    [Fact]
    public async Task A_new_leader_adopts_the_restarts_the_killed_one_recorded_and_no_controller_exceeds_its_allowance()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await SandboxClusterUnderTest.StartAsync(new GuardSetup { Instances = 2, Mode = "off" }, token);
        await cluster.AddTaintedNodesAsync(3, token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Apps, token);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Apps, "csi-node", token);
        var before = await RunningAsync(cluster, expected: 3, token);
        var first = await cluster.WaitForLeaderAsync(Observe.Patience, token);

        await using var timeline = await PodTimeline.StartAsync(cluster.Client, token);
        await cluster.InstallCiliumAsync(withoutAgentOn: null, token);
        await Observe.UntilAsync(
            async () => (await GuardEvents.ListAsync(cluster.Client, GuardEvents.Evicted, token)).Count >= 1, "the first leader's first eviction", token);
        await first.KillAsync();
        var second = await cluster.WaitForLeaderAsync(Observe.Patience, token);
        await Observe.UntilAsync(() => AllManagedAndReplacedAsync(cluster, before, token), "every pod replaced by one Cilium manages", token);

        second.Should().NotBeSameAs(first);
        cluster.Log.AdoptedRestarts.Should().HaveCount(2, "each leadership term reads the recorded restarts once");
        cluster.Log.AdoptedRestarts[^1].Should().BeGreaterThanOrEqualTo(1, "the new leader read what the old one did");
        timeline.MostRestartsInFlightPerOwner(before.Select(p => p.Uid).ToHashSet(StringComparer.Ordinal)).Values
            .Should().OnlyContain(inFlight => inFlight == 1, "the DaemonSet allows one pod down at a time, across both leaders");
    }

    private static async Task CreateBudgetAsync(Kubernetes client, string name, string app, V1PodDisruptionBudgetSpec spec, CancellationToken token)
    {
        spec.Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = app } };
        await client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(
            new V1PodDisruptionBudget { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Apps }, Spec = spec }, Apps, cancellationToken: token);
    }

    private static async Task SetCiliumBrokenAsync(Kubernetes client, string node, bool broken, CancellationToken token)
    {
        var value = broken ? "\"true\"" : "null";
        await client.CoreV1.PatchNodeAsync(
            new V1Patch("{\"metadata\":{\"annotations\":{\"" + SimulationAnnotations.CiliumBroken + "\":" + value + "}}}", V1Patch.PatchType.MergePatch), node, cancellationToken: token);
    }

    private static async Task<IReadOnlyList<PodState>> RunningAsync(IClusterUnderTest cluster, int expected, CancellationToken token)
    {
        IReadOnlyList<PodState> pods = [];
        await Observe.UntilAsync(
            async () =>
            {
                pods = await Observe.PodsAsync(cluster.Client, Apps, token);
                return pods.Count == expected && pods.All(p => p.Phase == "Running");
            },
            $"{expected} pods running", token);
        return pods;
    }

    private static async Task<bool> AllManagedAndReplacedAsync(IClusterUnderTest cluster, IReadOnlyList<PodState> before, CancellationToken token)
    {
        var pods = await Observe.PodsAsync(cluster.Client, Apps, token);
        var endpoints = await Observe.EndpointOwnersAsync(cluster.Client, token);
        return pods.Count == before.Count && pods.All(p => before.All(b => b.Uid != p.Uid) && p.Phase == "Running" && endpoints.IsManaged(p));
    }

    private static async Task<bool> ManagedOnAsync(Kubernetes client, string node, CancellationToken token)
    {
        var pods = await Observe.PodsAsync(client, Apps, token);
        var endpoints = await Observe.EndpointOwnersAsync(client, token);
        return pods.Any(p => p.Node == node && p.Phase == "Running" && endpoints.IsManaged(p));
    }
}
