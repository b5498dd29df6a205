using AdmissionGuard.Core;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.IntegrationTests.Scenarios.Support;
using AdmissionGuard.Metrics;
using AdmissionGuard.Playground;
using AdmissionGuard.Testing;
using AdmissionGuard.Tests.Support;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Scenarios;

/// <summary>Two guard replicas: only the Lease holder acts, and the other takes over when it goes.</summary>
public abstract class LeadershipScenarios
{
    private const string Namespace = "storage";
    private const string LeaseName = "admissionguard-leader";

    [Fact]
    public async Task Only_the_leader_releases_gates_and_when_it_is_killed_the_other_takes_over_once_the_Lease_expires()
    {
        var (takeover, _) = await HandOverAsync(leader => leader.KillAsync());

        takeover.Should().BeGreaterThanOrEqualTo(GuardSetup.LeaseDuration - TimeSpan.FromMilliseconds(50),
            "a killed leader keeps its Lease until it expires");
    }

    [Fact]
    public async Task When_the_leader_stops_gracefully_it_releases_the_Lease_and_the_other_takes_over_at_once()
    {
        var (takeover, _) = await HandOverAsync(leader => leader.StopAsync(TestContext.Current.CancellationToken));

        takeover.Should().BeLessThan(GuardSetup.LeaseDuration, "the stopping leader cleared the Lease's holder");
    }

    [Fact]
    public async Task While_no_leader_holds_a_fresh_Lease_gate_mode_warns_instead_of_gating_and_gates_again_once_one_does()
    {
        var token = TestContext.Current.CancellationToken;
        await using var cluster = await StartAsync(new GuardSetup { Instances = 2, Mode = "gate" }, token);
        cluster.Require(ClusterFeature.FaultInjection);
        var node = (await cluster.AddTaintedNodesAsync(1, token)).Single();
        await Workloads.CreateNamespaceAsync(cluster.Client, Namespace, token);
        await cluster.WaitUntilCachedAsync(snapshot => snapshot.GetNode(node) is not null, $"node {node}", token);
        using var cache = new TempDirectory();
        Kubectl.RequireInstalled();
        var kubectl = new Kubectl(cluster.KubeconfigPath, cache.Path);

        cluster.FailLeaseWrites(true);
        await cluster.WaitUntilCachedAsync(snapshot => !snapshot.GateReleaserAlive, "no fresh leader Lease", token);
        var unguarded = await kubectl.RunAsync("create -f -", Workloads.PinnedPodYaml("unguarded", Namespace, node));
        cluster.FailLeaseWrites(false);
        await cluster.WaitForLeaderAsync(Observe.Patience, token);
        var guarded = await kubectl.RunAsync("create -f -", Workloads.PinnedPodYaml("guarded", Namespace, node));

        unguarded.ExitCode.Should().Be(0, unguarded.Error);
        unguarded.Error.Should().Contain($"Warning: {AdmissionMessages.NoReconciler}")
            .And.Contain($"Warning: node {node} is still tainted {WellKnown.CiliumAgentNotReadyTaint}");
        guarded.ExitCode.Should().Be(0, guarded.Error);
        guarded.Error.Should().NotContain(AdmissionMessages.NoReconciler);
        var pods = await Observe.PodsAsync(cluster.Client, Namespace, token);
        pods.Single(p => p.Name == "unguarded").Gated.Should().BeFalse("nobody would release a gate");
        pods.Single(p => p.Name == "guarded").Gated.Should().BeTrue();
    }

    private protected abstract Task<IClusterUnderTest> StartAsync(GuardSetup setup, CancellationToken cancellationToken);

    /// <summary>
    /// Two replicas; a gated pod on a first node, released by the leader alone; then <paramref name="leave"/> ends the
    /// leader, the other takes over, and releases the gated pod of a second node alone.
    /// </summary>
    /// <returns>How long after the old leader's last renewal the new one acquired the Lease.</returns>
    private async Task<(TimeSpan Takeover, GuardInstance NewLeader)> HandOverAsync(Func<GuardInstance, Task> leave)
    {
        var token = TestContext.Current.CancellationToken;
        // The second node's pod must be admitted while that node still carries the taint, and once Cilium runs the taint
        // lasts as long as its agent takes to start: with the sandbox's 1 s, a loaded machine admitted the pod after the
        // taint had gone, so it was never gated and no release came. 5 s leaves the DaemonSet controller and the webhook
        // their time.
        await using var cluster = await StartAsync(new GuardSetup { Instances = 2, Mode = "gate", CiliumAgentStartup = TimeSpan.FromSeconds(5) }, token);
        cluster.Require(ClusterFeature.SeveralNodes);
        var first = await cluster.WaitForLeaderAsync(Observe.Patience, token);
        var follower = cluster.Guards.Single(g => g != first);
        var nodes = await cluster.AddTaintedNodesAsync(1, token);
        await cluster.WaitUntilCachedAsync(snapshot => snapshot.GetNode(nodes[0]) is not null, "the first node", token);
        await Workloads.CreateNamespaceAsync(cluster.Client, Namespace, token);
        await Workloads.CreateDaemonSetAsync(cluster.Client, Namespace, "csi-node", token);
        await Observe.UntilAsync(async () => (await Observe.PodsAsync(cluster.Client, Namespace, token)) is [{ Gated: true }], "a gated pod", token);
        await cluster.InstallCiliumAsync(withoutAgentOn: null, token);
        await Observe.UntilAsync(async () => (await Observe.PodsAsync(cluster.Client, Namespace, token)) is [{ Phase: "Running" }], "the pod released and running", token);

        var releases = await GuardEvents.AtLeastAsync(cluster.Client, GuardEvents.GateReleased, 1, token);
        releases.Should().ContainSingle().Which.Source.Host.Should().Be(first.Identity);
        var leaderMetrics = await GuardMetrics.ScrapeAsync(first, token);
        var followerMetrics = await GuardMetrics.ScrapeAsync(follower, token);
        (leaderMetrics.Leader, leaderMetrics.GateReleases(ReconcilerMetrics.NodeReady)).Should().Be((1, 1));
        (followerMetrics.Leader, followerMetrics.GateReleases(ReconcilerMetrics.NodeReady)).Should().Be((0, 0), "a follower does not act");

        var held = await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, GuardOnSandbox.GuardNamespace, cancellationToken: token);
        await leave(first);
        var next = await cluster.WaitForLeaderAsync(Observe.Patience, token);
        next.Should().BeSameAs(follower);
        var taken = await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, GuardOnSandbox.GuardNamespace, cancellationToken: token);
        taken.Spec.HolderIdentity.Should().Be(follower.Identity);
        var takeover = taken.Spec.AcquireTime!.Value - LastRenewal(held);

        // The webhook gates only while its cache shows a fresh leader's Lease (otherwise nobody would release the gate,
        // so it warns), and the new leader's own Lease can reach its cache a moment after it leads: on a loaded machine
        // the second pod was admitted in that moment, ungated, and no release ever came.
        await cluster.WaitUntilCachedAsync(snapshot => snapshot.GateReleaserAlive, "a live leader's Lease", token);

        // Cilium runs by now, so the second node's agent is ready a few seconds after the node appears: its pod is gated
        // only that long, which polling on a loaded machine may miss. The follower's release event below is the durable
        // proof that it was gated.
        var second = (await cluster.AddTaintedNodesAsync(1, token)).Single();
        await Observe.UntilAsync(
            async () => (await Observe.PodsAsync(cluster.Client, Namespace, token)) is { Count: 2 } pods && pods.All(p => p.Phase == "Running"),
            "both pods running", token);
        releases = await GuardEvents.AtLeastAsync(cluster.Client, GuardEvents.GateReleased, 2, token);
        releases.Select(e => e.Source.Host).Should().Equal(first.Identity, follower.Identity);
        (await GuardMetrics.ScrapeAsync(follower, token)).GateReleases(ReconcilerMetrics.NodeReady).Should().Be(1);
        second.Should().NotBe(nodes[0]);
        return (takeover, next);
    }

    private static DateTime LastRenewal(V1Lease lease) => (lease.Spec.RenewTime ?? lease.Spec.AcquireTime)!.Value;
}
