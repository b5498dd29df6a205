using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Cluster;

/// <summary>
/// Every watch-fed cache of the process, run as one hosted service. Readers use <see cref="ClusterSnapshot"/>;
/// the reconciler subscribes to the caches here to start a cycle when something relevant changes.
/// </summary>
internal sealed class ClusterCaches : BackgroundService, IClusterCacheStatus
{
    private readonly ILogger<ClusterCaches> _logger;
    private readonly IReadOnlyList<Func<CancellationToken, Task>> _runners;

    public ClusterCaches(ClusterSources sources, FactsCompactor compactor, TimeProvider time, ILogger<ClusterCaches> logger, InformerTiming? timing = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(compactor);
        _logger = logger;
        Informer<CiliumEndpoint, EndpointFacts>? endpoints = null;
        var pods = new Informer<DecodedPod, PodFacts>(sources.Pods, pod => compactor.Pod(pod, endpoints), PodKey, time, logger, timing);
        var agentPods = new Informer<DecodedPod, PodFacts>(sources.AgentPods, pod => pod.Fields.ToPodFacts(), PodKey, time, logger, timing);
        var nodes = new Informer<k8s.Models.V1Node, NodeFacts>(sources.Nodes, compactor.Node, node => new ObjectKey("", node.Name), time, logger, timing);
        var namespaces = new Informer<k8s.Models.V1Namespace, NamespaceFacts>(
            sources.Namespaces, ClusterProjections.Namespace, ns => new ObjectKey("", ns.Name), time, logger, timing);
        endpoints = new Informer<CiliumEndpoint, EndpointFacts>(
            sources.Endpoints, endpoint => compactor.Endpoint(endpoint, pods), endpoint => new ObjectKey(endpoint.Namespace, endpoint.Name), time, logger, timing);
        var leases = new Informer<k8s.Models.V1Lease, LeaseFacts>(
            sources.Lease, ClusterProjections.Lease, lease => new ObjectKey(lease.Namespace, lease.Name), time, logger, timing);
        var budgets = new Informer<k8s.Models.V1PodDisruptionBudget, DisruptionBudgetFacts>(
            sources.DisruptionBudgets, ClusterProjections.DisruptionBudget, budget => new ObjectKey(budget.Namespace, budget.Name), time, logger, timing);
        (Pods, AgentPods, Nodes, Namespaces, Endpoints, Leases, DisruptionBudgets) = (pods, agentPods, nodes, namespaces, endpoints, leases, budgets);
        All = [pods, agentPods, nodes, namespaces, endpoints, leases, budgets];
        AdmissionInputs = [pods, nodes, namespaces];
        _runners = [pods.RunAsync, agentPods.RunAsync, nodes.RunAsync, namespaces.RunAsync, endpoints.RunAsync, leases.RunAsync, budgets.RunAsync];
    }

    /// <summary>Every pod of the cluster.</summary>
    public IResourceCache<PodFacts> Pods { get; }

    /// <summary>The Cilium agent pods (Cni:AgentNamespace, Cni:AgentSelector).</summary>
    public IResourceCache<PodFacts> AgentPods { get; }

    public IResourceCache<NodeFacts> Nodes { get; }

    public IResourceCache<NamespaceFacts> Namespaces { get; }

    /// <summary>CiliumEndpoints; <see cref="IResourceCacheStatus.Served"/> is false when the CRD is not there.</summary>
    public IResourceCache<EndpointFacts> Endpoints { get; }

    /// <summary>The leader-election Lease (LeaderElection:LeaseNamespace/LeaseName); empty when it does not exist.</summary>
    public IResourceCache<LeaseFacts> Leases { get; }

    /// <summary>PodDisruptionBudgets: they explain evictions the API server refuses.</summary>
    public IResourceCache<DisruptionBudgetFacts> DisruptionBudgets { get; }

    public IReadOnlyList<IResourceCacheStatus> All { get; }

    /// <summary>What admission decisions read (pods for bindings, nodes, namespaces): readiness watches their staleness.</summary>
    public IReadOnlyList<IResourceCacheStatus> AdmissionInputs { get; }

    public bool Synced => All.All(cache => cache.Synced);

    /// <summary>Completes once every cache has listed (or learnt that its resource is not served).</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(All.Select(cache => cache.WaitForSyncAsync(cancellationToken)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = _runners.Select(run => run(stoppingToken)).ToList();
        try
        {
            await WaitForSyncAsync(stoppingToken);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var counts = string.Join(", ", All.Select(cache => $"{cache.Resource}: {cache.Count}"));
                CacheLog.AllSynced(_logger, counts);
            }

            // The first lists are the process's one burst of garbage (pages of every pod of the cluster); their
            // leftovers stay committed in the GC's regions. One compacting collection returns them to the OS.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before the first sync.
        }

        await Task.WhenAll(running);
    }

    internal static ObjectKey PodKey(PodFacts pod) => new(pod.Namespace, pod.Name);
}
