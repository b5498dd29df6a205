using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The ReplicaSet controller: keeps <c>spec.replicas</c> (default 1) active pods owned by the ReplicaSet, creating
/// them from the template and deleting the surplus (unscheduled, then not ready, then newest first), and reports
/// replicas, readyReplicas and availableReplicas. It does not adopt orphans.
/// </summary>
internal sealed class ReplicaSetController(ClusterApi api, ILogger logger) : IController
{
    private readonly VersionCache<V1Pod> _pods = VersionCache.OfModels<V1Pod>();
    private readonly ComponentEvents _events = new(api, "replicaset-controller", EventsApi.CoreV1, logger);

    public string Name => "replicaset-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.ReplicaSets, ResourceTypes.Pods];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        _pods.StartPass();
        foreach (var namespaceSets in api.List<V1ReplicaSet>().GroupBy(r => r.Metadata.NamespaceProperty))
        {
            var owned = Owners.ByController(_pods.ReadAll(api.List(ResourceTypes.Pods, namespaceSets.Key).Items), p => p.Metadata);
            foreach (var replicaSet in namespaceSets.Where(r => r.Metadata.DeletionTimestamp is null && PodTemplates.SelectsOwnTemplate(r.Spec?.Selector, r.Spec?.Template)))
            {
                var active = (owned.GetValueOrDefault(replicaSet.Metadata.Uid) ?? [])
                    .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase is not ("Succeeded" or "Failed"))
                    .ToList();
                await ScaleAsync(replicaSet, active, cancellationToken);
                await WriteStatusAsync(replicaSet, active, cancellationToken);
            }
        }

        return null;
    }

    private async Task ScaleAsync(V1ReplicaSet replicaSet, List<V1Pod> active, CancellationToken cancellationToken)
    {
        var desired = replicaSet.Spec.Replicas ?? 1;
        for (var missing = desired - active.Count; missing > 0; missing--)
        {
            await CreatePodAsync(replicaSet, cancellationToken);
        }

        var surplus = active
            .OrderBy(p => string.IsNullOrEmpty(p.Spec.NodeName) ? 0 : 1)
            .ThenBy(p => StatusConditions.IsTrue(p.Status, "Ready") ? 1 : 0)
            .ThenByDescending(p => p.Metadata.CreationTimestamp)
            .Take(Math.Max(0, active.Count - desired));
        foreach (var pod in surplus)
        {
            var preconditions = new V1Preconditions { Uid = pod.Metadata.Uid };
            if (await Writes.TryAsync(() => api.DeleteAsync<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, preconditions, cancellationToken: cancellationToken), Name, ResourceTypes.Pods, pod.Metadata, logger))
            {
                SimulationLog.ReplicaPodDeleted(logger, replicaSet.Metadata.NamespaceProperty, replicaSet.Metadata.Name, pod.Metadata.Name);
                await _events.PodDeletedAsync(About(replicaSet), pod.Metadata.Name, cancellationToken);
            }
        }
    }

    private async Task CreatePodAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken)
    {
        var pod = PodTemplates.NewPod(replicaSet.Spec.Template, replicaSet.Metadata.NamespaceProperty, Owners.Controller("apps/v1", "ReplicaSet", replicaSet.Metadata));
        try
        {
            var created = await api.CreateAsync(pod, cancellationToken: cancellationToken);
            SimulationLog.ReplicaPodCreated(logger, replicaSet.Metadata.NamespaceProperty, replicaSet.Metadata.Name, created.Metadata.Name);
            await _events.PodCreatedAsync(About(replicaSet), created.Metadata.Name, cancellationToken);
        }
        catch (ApiException e) when (e.Code is not (404 or 409))
        {
            SimulationLog.ReplicaPodRefused(logger, replicaSet.Metadata.NamespaceProperty, replicaSet.Metadata.Name, e.Message);
            await _events.PodCreateFailedAsync(About(replicaSet), e.Message, cancellationToken);
        }
    }

    private static V1ObjectReference About(V1ReplicaSet replicaSet) => ComponentEvents.About("apps/v1", "ReplicaSet", replicaSet.Metadata);

    private async Task WriteStatusAsync(V1ReplicaSet replicaSet, List<V1Pod> active, CancellationToken cancellationToken)
    {
        var ready = active.Count(p => StatusConditions.IsTrue(p.Status, "Ready"));
        var status = new V1ReplicaSetStatus
        {
            // replicas is always written; the other counts are omitempty in apps/v1.ReplicaSetStatus.
            Replicas = active.Count,
            FullyLabeledReplicas = OmitEmpty.Count(active.Count),
            ReadyReplicas = OmitEmpty.Count(ready),
            AvailableReplicas = OmitEmpty.Count(ready),
            ObservedGeneration = replicaSet.Metadata.Generation,
        };
        if (PodTemplates.SameJson(status, replicaSet.Status ?? new V1ReplicaSetStatus()))
        {
            return;
        }

        replicaSet.Status = status;
        await Writes.TryAsync(() => api.UpdateStatusAsync(replicaSet, cancellationToken: cancellationToken), Name, ResourceTypes.ReplicaSets, replicaSet.Metadata, logger);
    }
}
