using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The StatefulSet controller, as upstream's <c>updateStatefulSet</c> (<c>pkg/controller/statefulset</c>) runs it: pods
/// named <c>{set}-{ordinal}</c> for the ordinals from <c>spec.ordinals.start</c> on, labelled with their revision
/// (<c>controller-revision-hash: {set}-{hash}</c>), name and index, with <c>hostname</c> and <c>subdomain</c> set. A
/// pod that is gone (evicted, deleted) is created again under the same name once the old one has left the API; a
/// failed or succeeded one is deleted to be replaced. <c>OrderedReady</c> (the default) creates one pod at a time, in
/// ordinal order, each only once the ones before it are Running and Ready, and removes the highest ordinals first,
/// one at a time; <c>Parallel</c> does both at once. A RollingUpdate replaces the pods of an older template from the
/// highest ordinal down to <c>partition</c>, one at a time (maxUnavailable 1: the gate that raises it is off in 1.32),
/// each once the rest are Ready; OnDelete replaces a pod only when it is deleted. A pod below the partition that is
/// made again comes from the current revision's template. Revisions are ControllerRevisions
/// (<see cref="ControllerHistory"/>), which <c>kubectl rollout history</c> and <c>undo</c> read. Status reports the
/// counts and revisions <c>kubectl rollout status</c> reads. A pod gets a volume per claim template, on the claim
/// upstream names <c>{template}-{pod}</c>; the claims are not made (no PersistentVolumeClaims are served). Not
/// simulated: minReadySeconds, adopting orphans.
/// </summary>
internal sealed class StatefulSetController(ClusterApi api, ILogger logger) : IController
{
    public const string RevisionLabel = "controller-revision-hash";
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";
    public const string HashLabel = "controller.kubernetes.io/hash";

    private readonly VersionCache<V1Pod> _pods = VersionCache.OfModels<V1Pod>();
    private readonly ComponentEvents _events = new(api, "statefulset-controller", EventsApi.CoreV1, logger);
    private readonly ControllerHistory _history = new(api, "statefulset-controller", "StatefulSet", HashLabel, logger);

    public string Name => "statefulset-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.StatefulSets, ResourceTypes.Pods, ResourceTypes.ControllerRevisions];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        _pods.StartPass();
        _history.StartPass();
        foreach (var namespaceSets in api.List<V1StatefulSet>().GroupBy(s => s.Metadata.NamespaceProperty))
        {
            var owned = Owners.ByController(_pods.ReadAll(api.List(ResourceTypes.Pods, namespaceSets.Key).Items), p => p.Metadata);
            var histories = _history.ByOwner(namespaceSets.Key);
            foreach (var set in namespaceSets.Where(s => s.Metadata.DeletionTimestamp is null && PodTemplates.SelectsOwnTemplate(s.Spec?.Selector, s.Spec?.Template)))
            {
                if (await _history.ConstructAsync(set.Metadata, set.Spec!.Template, histories.GetValueOrDefault(set.Metadata.Uid) ?? [], cancellationToken) is not { } history)
                {
                    continue;
                }

                var pods = owned.GetValueOrDefault(set.Metadata.Uid) ?? [];
                var revisions = new Revisions(history.Current, history.Old.FirstOrDefault(r => r.Name == set.Status?.CurrentRevision) ?? history.Current);
                await SyncAsync(set, pods, revisions, cancellationToken);
                var live = pods.Select(p => p.GetLabel(RevisionLabel)).OfType<string>().ToHashSet(StringComparer.Ordinal);
                await _history.CleanupAsync(set.Metadata, set.Spec.RevisionHistoryLimit, history.Old,
                    r => live.Contains(r.Name) || r.Name == revisions.Current.Name, cancellationToken);
                await WriteStatusAsync(set, pods, revisions, cancellationToken);
            }
        }

        return null;
    }

    private async Task SyncAsync(V1StatefulSet set, List<V1Pod> pods, Revisions revisions, CancellationToken cancellationToken)
    {
        var updateRevision = revisions.Update.Name;
        var start = set.Spec.Ordinals?.Start ?? 0;
        var replicas = set.Spec.Replicas ?? 1;
        var ordered = set.Spec.PodManagementPolicy != "Parallel";
        var byOrdinal = pods.Where(p => OrdinalOf(set, p) is not null).ToDictionary(p => OrdinalOf(set, p)!.Value);
        var condemned = byOrdinal.Where(p => p.Key < start || p.Key >= start + replicas).OrderByDescending(p => p.Key).Select(p => p.Value).ToList();

        for (var ordinal = start; ordinal < start + replicas; ordinal++)
        {
            if (!byOrdinal.TryGetValue(ordinal, out var pod))
            {
                await CreatePodAsync(set, ordinal, revisions, cancellationToken);
                if (ordered)
                {
                    return;
                }

                continue;
            }

            if (pod.Status?.Phase is "Failed" or "Succeeded" && pod.Metadata.DeletionTimestamp is null)
            {
                // Upstream deletes it and creates it again on a later pass, under the same name.
                await DeletePodAsync(set, pod, cancellationToken);
                if (ordered)
                {
                    return;
                }

                continue;
            }

            if (ordered && !IsHealthy(pod))
            {
                return;
            }
        }

        foreach (var pod in condemned)
        {
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                if (ordered)
                {
                    return;
                }

                continue;
            }

            await DeletePodAsync(set, pod, cancellationToken);
            if (ordered)
            {
                return;
            }
        }

        if (set.Spec.UpdateStrategy?.Type == "OnDelete")
        {
            return;
        }

        var partition = set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0;
        for (var ordinal = start + replicas - 1; ordinal >= start + partition; ordinal--)
        {
            if (!byOrdinal.TryGetValue(ordinal, out var pod))
            {
                return;
            }

            if (pod.GetLabel(RevisionLabel) != updateRevision && pod.Metadata.DeletionTimestamp is null)
            {
                await DeletePodAsync(set, pod, cancellationToken);
                return;
            }

            if (!IsHealthy(pod))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Upstream's newVersionedStatefulSetPod: during a RollingUpdate a pod below the partition (without one, below the
    /// pods already at the current revision) is made from the current revision, any other from the update revision.
    /// </summary>
    private static ControllerHistory.Revision RevisionFor(V1StatefulSet set, int index, Revisions revisions)
    {
        var strategy = set.Spec.UpdateStrategy;
        var belowPartition = strategy?.RollingUpdate?.Partition is { } partition ? index < partition : index < (set.Status?.CurrentReplicas ?? 0);
        return strategy?.Type != "OnDelete" && belowPartition ? revisions.Current : revisions.Update;
    }

    private async Task CreatePodAsync(V1StatefulSet set, int ordinal, Revisions revisions, CancellationToken cancellationToken)
    {
        var name = $"{set.Metadata.Name}-{ordinal.ToString(CultureInfo.InvariantCulture)}";
        var revision = RevisionFor(set, ordinal - (set.Spec.Ordinals?.Start ?? 0), revisions);
        var template = revision == revisions.Update ? set.Spec.Template : revision.Template;
        var pod = PodTemplates.NewPod(template, set.Metadata.NamespaceProperty, Owners.Controller("apps/v1", "StatefulSet", set.Metadata));
        pod.Metadata.GenerateName = null;
        pod.Metadata.Name = name;
        pod.Metadata.Labels[RevisionLabel] = revision.Name;
        pod.Metadata.Labels[PodNameLabel] = name;
        pod.Metadata.Labels[PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture);
        pod.Spec.Hostname = name;
        pod.Spec.Subdomain = string.IsNullOrEmpty(set.Spec.ServiceName) ? null : set.Spec.ServiceName;
        // Upstream's updateStorage: each claim template becomes the pod's volume of that name, on the claim
        // {template}-{pod}, ahead of the template's other volumes. The claims are not made: none are served here.
        if (set.Spec.VolumeClaimTemplates is { Count: > 0 } claims)
        {
            var claimNames = claims.Select(c => c.Metadata?.Name ?? "").ToHashSet(StringComparer.Ordinal);
            pod.Spec.Volumes =
            [
                .. claimNames.Select(claim => new V1Volume { Name = claim, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = $"{claim}-{name}" } }),
                .. (pod.Spec.Volumes ?? []).Where(v => !claimNames.Contains(v.Name)),
            ];
        }

        try
        {
            await api.CreateAsync(pod, cancellationToken: cancellationToken);
            SimulationLog.StatefulPodCreated(logger, set.Metadata.NamespaceProperty, set.Metadata.Name, name);
            await RecordAsync(set, "Normal", "SuccessfulCreate", $"create Pod {name} in StatefulSet {set.Metadata.Name} successful", cancellationToken);
        }
        catch (ApiException e) when (e.Code is not (404 or 409))
        {
            SimulationLog.StatefulPodRefused(logger, set.Metadata.NamespaceProperty, set.Metadata.Name, name, e.Message);
            await RecordAsync(set, "Warning", "FailedCreate", $"create Pod {name} in StatefulSet {set.Metadata.Name} failed error: {e.Message}", cancellationToken);
        }
    }

    private async Task DeletePodAsync(V1StatefulSet set, V1Pod pod, CancellationToken cancellationToken)
    {
        var preconditions = new V1Preconditions { Uid = pod.Metadata.Uid };
        if (await Writes.TryAsync(() => api.DeleteAsync<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, preconditions, cancellationToken: cancellationToken), Name, ResourceTypes.Pods, pod.Metadata, logger))
        {
            SimulationLog.StatefulPodDeleted(logger, set.Metadata.NamespaceProperty, set.Metadata.Name, pod.Metadata.Name);
            await RecordAsync(set, "Normal", "SuccessfulDelete", $"delete Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful", cancellationToken);
        }
    }

    private Task RecordAsync(V1StatefulSet set, string type, string reason, string message, CancellationToken cancellationToken) =>
        _events.RecordAsync(ComponentEvents.About("apps/v1", "StatefulSet", set.Metadata), type, reason, "", message, cancellationToken);

    /// <summary>
    /// Upstream's status: <c>replicas</c> counts every pod created, the revision counts only those not terminating,
    /// and once every pod runs the update revision and is Ready, the update revision becomes the current one.
    /// </summary>
    private async Task WriteStatusAsync(V1StatefulSet set, List<V1Pod> pods, Revisions revisions, CancellationToken cancellationToken)
    {
        var previous = set.Status ?? new V1StatefulSetStatus();
        var updateRevision = revisions.Update.Name;
        var currentRevision = revisions.Current.Name;
        var live = pods.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        var ready = pods.Count(IsHealthy);
        var updated = live.Count(p => p.GetLabel(RevisionLabel) == updateRevision);
        var current = live.Count(p => p.GetLabel(RevisionLabel) == currentRevision);
        if (set.Spec.UpdateStrategy?.Type != "OnDelete" && updated == pods.Count && ready == pods.Count)
        {
            currentRevision = updateRevision;
            current = updated;
        }

        var status = new V1StatefulSetStatus
        {
            // replicas and availableReplicas are always written; the rest are omitempty in apps/v1.StatefulSetStatus.
            ObservedGeneration = set.Metadata.Generation,
            Replicas = pods.Count,
            ReadyReplicas = OmitEmpty.Count(ready),
            CurrentReplicas = OmitEmpty.Count(current),
            UpdatedReplicas = OmitEmpty.Count(updated),
            AvailableReplicas = ready,
            CurrentRevision = currentRevision,
            UpdateRevision = updateRevision,
            CollisionCount = 0,
        };
        if (PodTemplates.SameJson(status, previous))
        {
            return;
        }

        set.Status = status;
        await Writes.TryAsync(() => api.UpdateStatusAsync(set, cancellationToken: cancellationToken), Name, ResourceTypes.StatefulSets, set.Metadata, logger);
    }

    private static bool IsHealthy(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Phase == "Running" && StatusConditions.IsTrue(pod.Status, "Ready");

    /// <summary>The revision the pods are to run and the one the status last called current (the same when no rollout runs).</summary>
    private sealed record Revisions(ControllerHistory.Revision Update, ControllerHistory.Revision Current);

    /// <summary>The ordinal in a pod's name <c>{set}-{ordinal}</c>; null for a name of another shape.</summary>
    private static int? OrdinalOf(V1StatefulSet set, V1Pod pod) =>
        pod.Metadata.Name is { } name && name.StartsWith(set.Metadata.Name + "-", StringComparison.Ordinal)
        && int.TryParse(name.AsSpan(set.Metadata.Name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            ? ordinal
            : null;
}
