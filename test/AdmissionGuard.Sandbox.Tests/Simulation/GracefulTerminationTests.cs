using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>Deleted pods terminate within their grace period; each controller replaces them as the real one does.</summary>
public sealed class GracefulTerminationTests
{
    private static readonly Dictionary<string, string> AgentLabels = new() { ["app"] = "agent" };

    [Fact]
    public async Task An_evicted_DaemonSet_pod_stays_Terminating_for_its_grace_period_and_its_replacement_comes_only_after_it_is_gone()
    {
        await using var cluster = TestCluster.Start(new SimulationOptions { StartupDelay = TimeSpan.Zero });
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        await cluster.Api.CreateAsync(SimulatedWorkloads.DaemonSet("agent", "default", AgentLabels, "agent:1", hostNetwork: false, []), cancellationToken: TestCluster.Token);
        var old = await cluster.Until(() => cluster.Pods("default", "app=agent").SingleOrDefault(TestCluster.IsReady), "the agent pod is Ready", letTimeFlow: true);
        var evictedAt = cluster.Clock.GetUtcNow();

        await cluster.Api.EvictAsync("default", old.Metadata.Name, (RequestContext?)null, TestCluster.Token);
        var seen = new List<(TimeSpan At, int Pods, bool OldThere)>();
        await cluster.Until(
            () =>
            {
                var pods = cluster.Pods("default", "app=agent");
                seen.Add((cluster.Clock.GetUtcNow() - evictedAt, pods.Count, pods.Any(p => p.Metadata.Uid == old.Metadata.Uid)));
                return pods.Count == 1 && pods[0].Metadata.Uid != old.Metadata.Uid;
            },
            "a replacement runs",
            letTimeFlow: true);

        seen.Where(s => s.OldThere).Should().OnlyContain(s => s.Pods == 1, "no replacement while the old pod terminates");
        seen.Where(s => s.OldThere).Max(s => s.At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(29), "the pod uses its whole 30 s grace period");
        seen.Should().Contain(s => !s.OldThere);
    }

    [Fact]
    public async Task A_deleted_ReplicaSet_pod_is_replaced_at_once_while_it_terminates_and_the_shutdown_annotation_shortens_termination()
    {
        await using var cluster = TestCluster.Start(new SimulationOptions { StartupDelay = TimeSpan.Zero });
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var replicaSet = Manifests.ReplicaSet("web", 1);
        replicaSet.Spec.Template.Metadata.Annotations = new Dictionary<string, string> { [SimulationAnnotations.ShutdownDelay] = "5s" };
        await cluster.Api.CreateAsync(replicaSet, cancellationToken: TestCluster.Token);
        var old = await cluster.Until(() => cluster.Pods("default", "app=web").SingleOrDefault(TestCluster.IsRunning), "the pod runs", letTimeFlow: true);
        var deletedAt = cluster.Clock.GetUtcNow();

        await cluster.Api.DeleteAsync<V1Pod>("default", old.Metadata.Name, cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Pods("default", "app=web").Count == 2, "a replacement beside the terminating pod");
        cluster.Pod(old.Metadata.Name)!.Metadata.DeletionTimestamp.Should().NotBeNull();
        await cluster.Until(() => cluster.Pod(old.Metadata.Name) is null, "the old pod is gone", letTimeFlow: true);
        (cluster.Clock.GetUtcNow() - deletedAt).Should().BeLessThan(TimeSpan.FromSeconds(10), "its containers stop after 5 s, not after the 30 s grace period");
    }
}
