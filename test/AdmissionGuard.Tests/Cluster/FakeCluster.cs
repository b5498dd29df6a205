using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Cilium;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace AdmissionGuard.Tests.Cluster;

/// <summary>The real caches and snapshot over scripted transports and a fake clock.</summary>
internal sealed class FakeCluster : IAsyncDisposable
{
    public FakeCluster()
    {
        var sources = new ClusterSources(
            DecodedPods.Decoding(Pods), DecodedPods.Decoding(AgentPods), Nodes, Namespaces, Endpoints, Lease, DisruptionBudgets);
        var timing = new InformerTiming { Random = () => 0 };
        Caches = new ClusterCaches(sources, new FactsCompactor(), Time, NullLogger<ClusterCaches>.Instance, timing);
        Snapshot = new ClusterSnapshot(Caches, Time);
    }

    public ScriptedListWatchClient<V1Pod> Pods { get; } = new("pods");

    public ScriptedListWatchClient<V1Pod> AgentPods { get; } = new("agent pods");

    public ScriptedListWatchClient<V1Node> Nodes { get; } = new("nodes");

    public ScriptedListWatchClient<V1Namespace> Namespaces { get; } = new("namespaces");

    public ScriptedListWatchClient<CiliumEndpoint> Endpoints { get; } = new("ciliumendpoints");

    public ScriptedListWatchClient<V1Lease> Lease { get; } = new("lease");

    public ScriptedListWatchClient<V1PodDisruptionBudget> DisruptionBudgets { get; } = new("poddisruptionbudgets");

    public RecordingTimeProvider Time { get; } = new();

    public ClusterCaches Caches { get; }

    public ClusterSnapshot Snapshot { get; }

    /// <summary>Every resource empty unless the test scripted it first.</summary>
    public void ListEverythingElseEmpty()
    {
        Pods.ListReturns("1", []);
        AgentPods.ListReturns("1", []);
        Nodes.ListReturns("1", []);
        Namespaces.ListReturns("1", []);
        Endpoints.ListReturns("1", []);
        Lease.ListReturns("1", []);
        DisruptionBudgets.ListReturns("1", []);
    }

    public async Task StartAndSyncAsync()
    {
        await Caches.StartAsync(CancellationToken.None);
        await Caches.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await Caches.StopAsync(CancellationToken.None);
        Caches.Dispose();
    }

    public static V1Node Node(string name, params V1Taint[] taints) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, ResourceVersion = "1" },
        Spec = new V1NodeSpec { Taints = taints },
    };

    public static V1Pod Pod(string podNamespace, string name, string node, bool ready, string resourceVersion = "1") => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = podNamespace,
            Uid = $"uid-{name}",
            ResourceVersion = resourceVersion,
            Labels = new Dictionary<string, string> { ["k8s-app"] = "cilium" },
        },
        Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "agent" }] },
        Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    public static V1Lease LeaderLease(string holder, DateTimeOffset renewed, int durationSeconds = 15) => new()
    {
        Metadata = new V1ObjectMeta { Name = "admissionguard-leader", NamespaceProperty = "admissionguard-system", ResourceVersion = "1" },
        Spec = new V1LeaseSpec { HolderIdentity = holder, RenewTime = renewed.UtcDateTime, LeaseDurationSeconds = durationSeconds },
    };
}
