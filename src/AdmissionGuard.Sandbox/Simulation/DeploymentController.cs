using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The Deployment controller: one ReplicaSet per pod template, named <c>{deployment}-{pod-template-hash}</c> and
/// labelled (selector and template too) with <c>pod-template-hash</c>, scaled to <c>spec.replicas</c>; the
/// ReplicaSets of older templates are scaled to 0 at once (no gradual rollout). Status sums its ReplicaSets.
/// </summary>
internal sealed class DeploymentController(ClusterApi api, ILogger logger) : IController
{
    public const string TemplateHashLabel = "pod-template-hash";

    public string Name => "deployment-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Deployments, ResourceTypes.ReplicaSets];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        foreach (var namespaceDeployments in api.List<V1Deployment>().GroupBy(d => d.Metadata.NamespaceProperty))
        {
            var owned = Owners.ByController(api.List<V1ReplicaSet>(namespaceDeployments.Key), r => r.Metadata);
            foreach (var deployment in namespaceDeployments.Where(d => d.Metadata.DeletionTimestamp is null && PodTemplates.SelectsOwnTemplate(d.Spec?.Selector, d.Spec?.Template)))
            {
                var replicaSets = owned.GetValueOrDefault(deployment.Metadata.Uid) ?? [];
                await SyncAsync(deployment, replicaSets, cancellationToken);
                await WriteStatusAsync(deployment, replicaSets, cancellationToken);
            }
        }

        return null;
    }

    private async Task SyncAsync(V1Deployment deployment, List<V1ReplicaSet> replicaSets, CancellationToken cancellationToken)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        var hash = PodTemplates.Hash(deployment.Spec.Template);
        var current = replicaSets.FirstOrDefault(r => IsOfTemplate(r, hash));
        if (current is null)
        {
            await CreateReplicaSetAsync(deployment, hash, desired, cancellationToken);
        }
        else
        {
            await ScaleAsync(current, desired, cancellationToken);
        }

        foreach (var old in replicaSets.Where(r => r != current))
        {
            await ScaleAsync(old, 0, cancellationToken);
        }
    }

    private async Task CreateReplicaSetAsync(V1Deployment deployment, string hash, int replicas, CancellationToken cancellationToken)
    {
        var template = PodTemplates.Copy(deployment.Spec.Template);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>()) { [TemplateHashLabel] = hash };
        var selector = PodTemplates.Copy(deployment.Spec.Selector);
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>()) { [TemplateHashLabel] = hash };
        var replicaSet = new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{deployment.Metadata.Name}-{hash}",
                NamespaceProperty = deployment.Metadata.NamespaceProperty,
                Labels = template.Metadata.Labels,
                OwnerReferences = [Owners.Controller("apps/v1", "Deployment", deployment.Metadata)],
            },
            Spec = new V1ReplicaSetSpec { Replicas = replicas, Selector = selector, Template = template },
        };
        if (await Writes.TryAsync(() => api.CreateAsync(replicaSet, cancellationToken: cancellationToken), Name, ResourceTypes.ReplicaSets, replicaSet.Metadata, logger))
        {
            SimulationLog.ReplicaSetCreated(logger, deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, replicaSet.Metadata.Name);
        }
    }

    private async Task ScaleAsync(V1ReplicaSet replicaSet, int replicas, CancellationToken cancellationToken)
    {
        if (replicaSet.Spec.Replicas == replicas)
        {
            return;
        }

        replicaSet.Spec.Replicas = replicas;
        await Writes.TryAsync(() => api.UpdateAsync(replicaSet, cancellationToken: cancellationToken), Name, ResourceTypes.ReplicaSets, replicaSet.Metadata, logger);
    }

    private async Task WriteStatusAsync(V1Deployment deployment, List<V1ReplicaSet> replicaSets, CancellationToken cancellationToken)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        var hash = PodTemplates.Hash(deployment.Spec.Template);
        var available = replicaSets.Sum(r => r.Status?.AvailableReplicas ?? 0);
        var updated = replicaSets.Where(r => IsOfTemplate(r, hash)).Sum(r => r.Status?.Replicas ?? 0);
        var previous = deployment.Status ?? new V1DeploymentStatus();
        var now = SimulationClock.Now(api.Time);
        var status = new V1DeploymentStatus
        {
            Replicas = replicaSets.Sum(r => r.Status?.Replicas ?? 0),
            UpdatedReplicas = updated,
            ReadyReplicas = replicaSets.Sum(r => r.Status?.ReadyReplicas ?? 0),
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, desired - available),
            ObservedGeneration = deployment.Metadata.Generation,
            Conditions =
            [
                Condition(previous, "Available", available >= desired, "MinimumReplicasAvailable", "MinimumReplicasUnavailable", now),
                Condition(previous, "Progressing", updated == desired && available >= desired, "NewReplicaSetAvailable", "ReplicaSetUpdated", now),
            ],
        };
        if (PodTemplates.SameJson(status, previous))
        {
            return;
        }

        deployment.Status = status;
        await Writes.TryAsync(() => api.UpdateStatusAsync(deployment, cancellationToken: cancellationToken), Name, ResourceTypes.Deployments, deployment.Metadata, logger);
    }

    private static bool IsOfTemplate(V1ReplicaSet replicaSet, string hash) =>
        replicaSet.Metadata.Labels?.TryGetValue(TemplateHashLabel, out var labelled) == true && labelled == hash;

    // Progressing stays True while a rollout moves on, as upstream: only its reason tells where it is.
    private static V1DeploymentCondition Condition(V1DeploymentStatus previous, string type, bool met, string metReason, string unmetReason, DateTime now)
    {
        var value = met || type == "Progressing" ? "True" : "False";
        var reason = met ? metReason : unmetReason;
        var existing = previous.Conditions?.FirstOrDefault(c => c.Type == type);
        var same = existing is not null && existing.Status == value && existing.Reason == reason;
        return new V1DeploymentCondition
        {
            Type = type,
            Status = value,
            Reason = reason,
            Message = type == "Available"
                ? met ? "Deployment has minimum availability." : "Deployment does not have minimum availability."
                : met ? "ReplicaSet has successfully progressed." : "ReplicaSet is progressing.",
            LastUpdateTime = same ? existing!.LastUpdateTime : now,
            LastTransitionTime = existing is not null && existing.Status == value ? existing.LastTransitionTime : now,
        };
    }
}
