using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Healing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Cluster.Owners;

/// <summary>
/// Watch-fed caches of the controllers the reconciler restarts pods of, each kept as a slim <see cref="WorkloadOwner"/>
/// (kind, UID, the Deployment of a ReplicaSet, its rolling-update strategy and scale). Until a cache has listed, its
/// controllers are unknown and allow one restart at a time, which is always safe.
/// </summary>
internal sealed class OwnerCaches : BackgroundService, IWorkloadOwners
{
    private readonly IReadOnlyList<IResourceCache<WorkloadOwner>> _caches;
    private readonly IReadOnlyList<Func<CancellationToken, Task>> _runners;
    private long _builtFrom = -1;
    private IReadOnlyDictionary<string, WorkloadOwner> _byUid = new Dictionary<string, WorkloadOwner>();

    public OwnerCaches(Kubernetes client, TimeProvider time, ILogger<OwnerCaches> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        var daemonSets = new Informer<V1DaemonSet, WorkloadOwner>(OwnerResources.DaemonSets(client), DaemonSet, Key, time, logger);
        var replicaSets = new Informer<V1ReplicaSet, WorkloadOwner>(OwnerResources.ReplicaSets(client), ReplicaSet, Key, time, logger);
        var deployments = new Informer<V1Deployment, WorkloadOwner>(OwnerResources.Deployments(client), Deployment, Key, time, logger);
        var statefulSets = new Informer<V1StatefulSet, WorkloadOwner>(OwnerResources.StatefulSets(client), StatefulSet, Key, time, logger);
        _caches = [daemonSets, replicaSets, deployments, statefulSets];
        _runners = [daemonSets.RunAsync, replicaSets.RunAsync, deployments.RunAsync, statefulSets.RunAsync];
    }

    public IReadOnlyDictionary<string, WorkloadOwner> ByUid()
    {
        // Rebuilt only when a cache changed: the reconciler asks once per cycle, owners change rarely.
        var version = _caches.Sum(c => c.Version);
        if (version != Interlocked.Read(ref _builtFrom))
        {
            _byUid = _caches.SelectMany(c => c.Items).GroupBy(o => o.Uid, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            Interlocked.Exchange(ref _builtFrom, version);
        }

        return _byUid;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_runners.Select(run => run(stoppingToken)));

    private static ObjectKey Key(WorkloadOwner owner) => new(owner.Kind, owner.Uid);

    internal static WorkloadOwner DaemonSet(V1DaemonSet set) => new(
        "DaemonSet", set.Metadata.Uid, null, set.Spec?.UpdateStrategy?.Type ?? "",
        set.Spec?.UpdateStrategy?.RollingUpdate?.MaxUnavailable?.Value, set.Status?.DesiredNumberScheduled ?? 0);

    internal static WorkloadOwner ReplicaSet(V1ReplicaSet set) => new(
        "ReplicaSet", set.Metadata.Uid, set.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == "Deployment")?.Uid,
        "", null, set.Spec?.Replicas ?? 1);

    internal static WorkloadOwner Deployment(V1Deployment deployment) => new(
        "Deployment", deployment.Metadata.Uid, null, deployment.Spec?.Strategy?.Type ?? "",
        deployment.Spec?.Strategy?.RollingUpdate?.MaxUnavailable?.Value, deployment.Spec?.Replicas ?? 1);

    internal static WorkloadOwner StatefulSet(V1StatefulSet set) => new(
        "StatefulSet", set.Metadata.Uid, null, set.Spec?.UpdateStrategy?.Type ?? "",
        set.Spec?.UpdateStrategy?.RollingUpdate?.MaxUnavailable?.Value, set.Spec?.Replicas ?? 1);
}
