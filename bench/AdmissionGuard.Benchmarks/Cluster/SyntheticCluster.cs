using AdmissionGuard.Cluster;
using AdmissionGuard.Core;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace AdmissionGuard.Benchmarks.Cluster;

/// <summary>The production caches filled once from synthetic sources, and the objects the benchmarks put in them.</summary>
internal static class SyntheticCluster
{
    /// <summary>Lists every source into fresh caches, then stops watching; the caches keep what they listed.</summary>
    public static async Task<ClusterCaches> FillAsync(ClusterSources sources)
    {
        var caches = new ClusterCaches(sources, new FactsCompactor(), TimeProvider.System, NullLogger<ClusterCaches>.Instance);
        await caches.StartAsync(CancellationToken.None);
        await caches.WaitForSyncAsync(CancellationToken.None);
        await caches.StopAsync(CancellationToken.None);
        return caches;
    }

    /// <param name="index">Node number, named like <see cref="SyntheticPods.NodeName"/>.</param>
    /// <param name="ciliumTainted">Carries <c>node.cilium.io/agent-not-ready:NoExecute</c> (its agent is not ready yet).</param>
    public static V1Node Node(int index, bool ciliumTainted = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = SyntheticPods.NodeName(index) },
        Spec = new V1NodeSpec
        {
            Taints = ciliumTainted ? [new V1Taint { Key = WellKnown.CiliumAgentNotReadyTaint, Effect = "NoExecute" }] : null,
        },
    };

    /// <summary>The Cilium agent pod of a node, Ready or not.</summary>
    public static V1Pod AgentPod(int node, bool ready) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"cilium-{node:x5}", NamespaceProperty = "kube-system" },
        Spec = new V1PodSpec { NodeName = SyntheticPods.NodeName(node) },
        Status = new V1PodStatus { Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };
}
