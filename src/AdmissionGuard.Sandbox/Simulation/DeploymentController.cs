using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The Deployment controller: one ReplicaSet per pod template, named <c>{deployment}-{pod-template-hash}</c> and
/// labelled (selector and template too) with <c>pod-template-hash</c>, scaled to <c>spec.replicas</c>. A new template
/// rolls out as upstream's <c>rolloutRolling</c> rolls: the new ReplicaSet grows within <c>maxSurge</c> (rounded up)
/// and the old ones shrink, oldest first, while <c>spec.replicas - maxUnavailable</c> (rounded down) pods stay
/// available; <c>Recreate</c> scales the old ones to 0 and the new one up once their pods are gone. Status sums its
/// ReplicaSets.
/// Revisions as upstream's <c>deployment/util</c>: the current template's ReplicaSet carries the highest
/// <c>deployment.kubernetes.io/revision</c> (one more than any other's; a template rolled back to gets a new one and
/// keeps its old ones in <c>revision-history</c>), the Deployment carries the same, and the Deployment's own
/// annotations (<c>kubernetes.io/change-cause</c> among them) are copied to it: what <c>kubectl rollout history</c>
/// and <c>kubectl rollout undo</c> read. Old ReplicaSets beyond <c>spec.revisionHistoryLimit</c> (10 by default) are
/// deleted, oldest first, once empty. While <c>spec.paused</c> (<c>kubectl rollout pause</c>) a changed template makes
/// no ReplicaSet until the resume; scaling goes on, and Progressing is Unknown, <c>DeploymentPaused</c>.
/// </summary>
internal sealed class DeploymentController(ClusterApi api, ILogger logger) : IController
{
    private readonly ComponentEvents _events = new(api, "deployment-controller", EventsApi.CoreV1, logger);

    public const string TemplateHashLabel = "pod-template-hash";
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

    // Upstream's annotationsToSkip: what is the Deployment's or the ReplicaSet's own, never copied between them.
    private static readonly HashSet<string> NotCopied = new(StringComparer.Ordinal)
    {
        "kubectl.kubernetes.io/last-applied-configuration", RevisionAnnotation, RevisionHistoryAnnotation,
        DesiredReplicasAnnotation, MaxReplicasAnnotation, "deprecated.deployment.rollback.to",
    };

    // Upstream's MaxRevHistoryLengthInChars: the oldest revisions are dropped from the history beyond it.
    private const int MaxRevisionHistoryLength = 2000;

    public string Name => "deployment-controller";

    // Pods too, as upstream's: a Recreate rollout goes on when the last old pod has left.
    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Deployments, ResourceTypes.ReplicaSets, ResourceTypes.Pods];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        foreach (var namespaceDeployments in api.List<V1Deployment>().GroupBy(d => d.Metadata.NamespaceProperty))
        {
            var owned = Owners.ByController(api.List<V1ReplicaSet>(namespaceDeployments.Key), r => r.Metadata);
            foreach (var deployment in namespaceDeployments.Where(d => d.Metadata.DeletionTimestamp is null && PodTemplates.SelectsOwnTemplate(d.Spec?.Selector, d.Spec?.Template)))
            {
                var replicaSets = owned.GetValueOrDefault(deployment.Metadata.Uid) ?? [];
                await SyncAsync(deployment, replicaSets, cancellationToken);
                if (await WriteStatusAsync(deployment, replicaSets, cancellationToken) is { } deadline)
                {
                    next = next is { } sooner && sooner < deadline ? sooner : deadline;
                }
            }
        }

        return next;
    }

    private async Task SyncAsync(V1Deployment deployment, List<V1ReplicaSet> replicaSets, CancellationToken cancellationToken)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        var hash = PodTemplates.Hash(deployment.Spec.Template);
        var current = replicaSets.FirstOrDefault(r => IsOfTemplate(r, hash));
        var old = replicaSets.Where(r => r != current).ToList();
        if (deployment.Spec.Paused == true)
        {
            // Upstream's sync of a paused Deployment: a changed template waits for the resume and a rollout stands
            // still; only a lone active ReplicaSet (or the latest) follows spec.replicas (FindActiveOrLatest).
            var active = replicaSets.Where(r => (r.Spec.Replicas ?? 0) > 0).ToList();
            var scaled = active.Count == 1 ? active[0] : active.Count == 0 ? current ?? old.MaxBy(Revision) : null;
            if (scaled is not null)
            {
                await ScaleAsync(deployment, scaled, desired, cancellationToken);
            }

            return;
        }

        var revision = (old.Select(Revision).DefaultIfEmpty(0).Max() + 1).ToString(CultureInfo.InvariantCulture);
        var target = NewReplicaSetTarget(deployment, current, old, desired, () => OldPodsRunning(deployment, old));
        if (current is null)
        {
            current = await CreateReplicaSetAsync(deployment, hash, target, revision, cancellationToken);
        }
        else
        {
            await UpdateCurrentAsync(deployment, current, target, revision, cancellationToken);
        }

        if (current is not null && current.GetAnnotation(RevisionAnnotation) is { } currentRevision
            && deployment.GetAnnotation(RevisionAnnotation) != currentRevision)
        {
            deployment.Metadata.Annotations = new Dictionary<string, string>(deployment.Metadata.Annotations ?? new Dictionary<string, string>())
            {
                [RevisionAnnotation] = currentRevision,
            };
            await Writes.TryAsync(() => api.UpdateAsync(deployment, cancellationToken: cancellationToken), Name, ResourceTypes.Deployments, deployment.Metadata, logger);
        }

        if (IsRecreate(deployment))
        {
            foreach (var replicaSet in old)
            {
                await ScaleAsync(deployment, replicaSet, 0, cancellationToken);
            }
        }
        else if (current is not null)
        {
            await ScaleDownOldAsync(deployment, current, old, desired, cancellationToken);
        }

        await CleanUpAsync(deployment, [.. replicaSets.Where(r => r != current)], cancellationToken);
    }

    /// <summary>
    /// The size of the current template's ReplicaSet this pass. Recreate: nothing until the old pods are gone, then
    /// all of them. RollingUpdate (upstream's <c>NewRSNewReplicas</c>): up towards <c>spec.replicas</c> while all
    /// ReplicaSets together stay within <c>spec.replicas + maxSurge</c>.
    /// </summary>
    private static int NewReplicaSetTarget(V1Deployment deployment, V1ReplicaSet? current, List<V1ReplicaSet> old, int desired, Func<bool> oldPodsRunning)
    {
        var size = current?.Spec.Replicas ?? 0;
        if (IsRecreate(deployment))
        {
            // Pods are looked at only while the new ReplicaSet waits to grow, not on every pass of a finished rollout.
            return size == desired || (!old.Any(r => (r.Spec.Replicas ?? 0) > 0) && !oldPodsRunning()) ? desired : size;
        }

        if (size >= desired)
        {
            return desired;
        }

        var all = size + old.Sum(r => r.Spec.Replicas ?? 0);
        var maxTotal = desired + MaxSurge(deployment, desired);
        return all >= maxTotal ? size : size + Math.Min(maxTotal - all, desired - size);
    }

    /// <summary>
    /// Upstream's <c>reconcileOldReplicaSets</c> for a RollingUpdate: while at least <c>spec.replicas - maxUnavailable</c>
    /// pods stay available, old ReplicaSets shrink, oldest first: first by their pods that are not available
    /// (<c>cleanupUnhealthyReplicas</c>), then by as many available ones as the minimum allows.
    /// </summary>
    private async Task ScaleDownOldAsync(V1Deployment deployment, V1ReplicaSet current, List<V1ReplicaSet> old, int desired, CancellationToken cancellationToken)
    {
        var minAvailable = desired - MaxUnavailable(deployment, desired);
        var all = (current.Spec.Replicas ?? 0) + old.Sum(r => r.Spec.Replicas ?? 0);
        var newUnavailable = (current.Spec.Replicas ?? 0) - Available(current);
        var allowed = all - minAvailable - newUnavailable;
        if (allowed <= 0)
        {
            return;
        }

        var oldest = old.Where(r => (r.Spec.Replicas ?? 0) > 0).OrderBy(r => r.Metadata.CreationTimestamp).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal).ToList();
        var spareAvailable = Available(current) + old.Sum(Available) - minAvailable;
        foreach (var replicaSet in oldest)
        {
            var size = replicaSet.Spec.Replicas ?? 0;
            var unhealthy = Math.Clamp(size - Available(replicaSet), 0, allowed);
            allowed -= unhealthy;
            var healthy = Math.Clamp(size - unhealthy, 0, Math.Max(0, spareAvailable));
            spareAvailable -= healthy;
            if (unhealthy + healthy > 0)
            {
                await ScaleAsync(deployment, replicaSet, size - unhealthy - healthy, cancellationToken);
            }
        }
    }

    /// <summary>Upstream's <c>oldPodsRunning</c>: a pod of an old ReplicaSet that has not finished, terminating or not.</summary>
    private bool OldPodsRunning(V1Deployment deployment, List<V1ReplicaSet> old)
    {
        var owners = old.Select(r => r.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
        return owners.Count > 0 && api.List<V1Pod>(deployment.Metadata.NamespaceProperty)
            .Any(p => Owners.ControllerUid(p.Metadata) is { } owner && owners.Contains(owner) && p.Status?.Phase is not ("Succeeded" or "Failed"));
    }

    /// <summary>
    /// A ReplicaSet's available pods, at most its size: right after it was shrunk its status still counts the pods it is
    /// about to delete, and counting them would let the next pass take more pods down than maxUnavailable allows.
    /// </summary>
    private static int Available(V1ReplicaSet replicaSet) => Math.Min(replicaSet.Status?.AvailableReplicas ?? 0, replicaSet.Spec.Replicas ?? 0);

    private static bool IsRecreate(V1Deployment deployment) => deployment.Spec.Strategy?.Type == "Recreate";

    /// <summary>maxUnavailable rounded down, at least 1 when maxSurge is 0 (upstream's <c>ResolveFenceposts</c>).</summary>
    private static int MaxUnavailable(V1Deployment deployment, int desired)
    {
        var unavailable = IntOrPercent.Scale(deployment.Spec.Strategy?.RollingUpdate?.MaxUnavailable?.Value ?? "25%", desired, roundUp: false) ?? 0;
        return unavailable == 0 && MaxSurge(deployment, desired) == 0 ? 1 : Math.Min(unavailable, desired);
    }

    /// <summary>
    /// Upstream's cleanupDeployment: of the old ReplicaSets beyond <c>spec.revisionHistoryLimit</c>, the oldest by
    /// revision are deleted once they have scaled down to nothing.
    /// </summary>
    private async Task CleanUpAsync(V1Deployment deployment, List<V1ReplicaSet> old, CancellationToken cancellationToken)
    {
        var cleanable = old.Where(r => r.Metadata.DeletionTimestamp is null).ToList();
        var excess = cleanable.Count - (deployment.Spec.RevisionHistoryLimit ?? int.MaxValue);
        foreach (var replicaSet in cleanable.OrderBy(Revision).Take(Math.Max(0, excess)))
        {
            if (replicaSet.Spec.Replicas == 0 && (replicaSet.Status?.Replicas ?? 0) == 0 && replicaSet.Status?.ObservedGeneration == replicaSet.Metadata.Generation)
            {
                await Writes.TryAsync(
                    () => api.DeleteAsync<V1ReplicaSet>(replicaSet.Metadata.NamespaceProperty, replicaSet.Metadata.Name, cancellationToken: cancellationToken),
                    Name, ResourceTypes.ReplicaSets, replicaSet.Metadata, logger);
            }
        }
    }

    private async Task<V1ReplicaSet?> CreateReplicaSetAsync(V1Deployment deployment, string hash, int replicas, string revision, CancellationToken cancellationToken)
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
                Annotations = CopiedAnnotations(deployment, null),
                OwnerReferences = [Owners.Controller("apps/v1", "Deployment", deployment.Metadata)],
            },
            Spec = new V1ReplicaSetSpec { Replicas = replicas, Selector = selector, Template = template },
        };
        replicaSet.Metadata.Annotations[RevisionAnnotation] = revision;
        SetReplicasAnnotations(deployment, replicaSet.Metadata.Annotations);
        if (!await Writes.TryAsync(() => api.CreateAsync(replicaSet, cancellationToken: cancellationToken), Name, ResourceTypes.ReplicaSets, replicaSet.Metadata, logger))
        {
            return null;
        }

        SimulationLog.ReplicaSetCreated(logger, deployment.Metadata.NamespaceProperty, deployment.Metadata.Name, replicaSet.Metadata.Name);
        await ScaledAsync(deployment, replicaSet.Metadata.Name, 0, replicas, cancellationToken);
        return replicaSet;
    }

    /// <summary>Scales the current template's ReplicaSet, copies the Deployment's annotations to it and raises its revision.</summary>
    private async Task UpdateCurrentAsync(V1Deployment deployment, V1ReplicaSet current, int replicas, string revision, CancellationToken cancellationToken)
    {
        var annotations = CopiedAnnotations(deployment, current.Metadata.Annotations);
        var previous = annotations.GetValueOrDefault(RevisionAnnotation);
        if (ParseRevision(previous) < ParseRevision(revision))
        {
            annotations[RevisionAnnotation] = revision;
            if (previous is not null)
            {
                // Rolled back to: the revisions it had before stay in its history.
                annotations[RevisionHistoryAnnotation] = History(annotations.GetValueOrDefault(RevisionHistoryAnnotation), previous);
            }
        }

        SetReplicasAnnotations(deployment, annotations);
        if (current.Spec.Replicas == replicas && PodTemplates.SameJson(annotations, current.Metadata.Annotations))
        {
            return;
        }

        var before = current.Spec.Replicas ?? 0;
        current.Spec.Replicas = replicas;
        current.Metadata.Annotations = annotations;
        if (await Writes.TryAsync(() => api.UpdateAsync(current, cancellationToken: cancellationToken), Name, ResourceTypes.ReplicaSets, current.Metadata, logger))
        {
            await ScaledAsync(deployment, current.Metadata.Name, before, replicas, cancellationToken);
        }
    }

    private async Task ScaleAsync(V1Deployment deployment, V1ReplicaSet replicaSet, int replicas, CancellationToken cancellationToken)
    {
        if (replicaSet.Spec.Replicas == replicas)
        {
            return;
        }

        var before = replicaSet.Spec.Replicas ?? 0;
        replicaSet.Spec.Replicas = replicas;
        replicaSet.Metadata.Annotations = new Dictionary<string, string>(replicaSet.Metadata.Annotations ?? new Dictionary<string, string>());
        SetReplicasAnnotations(deployment, replicaSet.Metadata.Annotations);
        if (await Writes.TryAsync(() => api.UpdateAsync(replicaSet, cancellationToken: cancellationToken), Name, ResourceTypes.ReplicaSets, replicaSet.Metadata, logger))
        {
            await ScaledAsync(deployment, replicaSet.Metadata.Name, before, replicas, cancellationToken);
        }
    }

    /// <summary>The event upstream's scaleReplicaSet records on the Deployment; none when the size did not change.</summary>
    private Task ScaledAsync(V1Deployment deployment, string replicaSet, int from, int to, CancellationToken cancellationToken) =>
        from == to
            ? Task.CompletedTask
            : _events.RecordAsync(ComponentEvents.About("apps/v1", "Deployment", deployment.Metadata), "Normal", "ScalingReplicaSet", "",
                $"Scaled {(from < to ? "up" : "down")} replica set {replicaSet} from {from} to {to}", cancellationToken);

    /// <summary>The ReplicaSet's annotations with the Deployment's copied over them, except each one's own.</summary>
    private static Dictionary<string, string> CopiedAnnotations(V1Deployment deployment, IDictionary<string, string>? replicaSetAnnotations)
    {
        var annotations = new Dictionary<string, string>(replicaSetAnnotations ?? new Dictionary<string, string>());
        foreach (var (key, value) in deployment.Metadata.Annotations ?? new Dictionary<string, string>())
        {
            if (!NotCopied.Contains(key))
            {
                annotations[key] = value;
            }
        }

        return annotations;
    }

    /// <summary>desired-replicas and max-replicas (<c>spec.replicas</c> plus the rollout's surge), as upstream writes them on every scale.</summary>
    private static void SetReplicasAnnotations(V1Deployment deployment, IDictionary<string, string> annotations)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        annotations[DesiredReplicasAnnotation] = desired.ToString(CultureInfo.InvariantCulture);
        annotations[MaxReplicasAnnotation] = (desired + MaxSurge(deployment, desired)).ToString(CultureInfo.InvariantCulture);
    }

    private static int MaxSurge(V1Deployment deployment, int desired) =>
        deployment.Spec.Strategy?.Type == "Recreate"
            ? 0
            : IntOrPercent.Scale(deployment.Spec.Strategy?.RollingUpdate?.MaxSurge?.Value ?? "25%", desired) ?? 0;

    private static long Revision(V1ReplicaSet replicaSet) => ParseRevision(replicaSet.GetAnnotation(RevisionAnnotation));

    /// <summary>A revision annotation's number; 0 when there is none or it is not a number, as upstream's Revision.</summary>
    private static long ParseRevision(string? revision) =>
        long.TryParse(revision, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;

    private static string History(string? history, string previous)
    {
        var revisions = string.IsNullOrEmpty(history) ? [] : history.Split(',').ToList();
        revisions.Add(previous);
        while (revisions.Count > 1 && string.Join(',', revisions).Length > MaxRevisionHistoryLength)
        {
            revisions.RemoveAt(0);
        }

        return string.Join(',', revisions);
    }

    /// <returns>When the rollout runs out of its progress deadline unless it moves on; null when none is running.</returns>
    private async Task<DateTimeOffset?> WriteStatusAsync(V1Deployment deployment, List<V1ReplicaSet> replicaSets, CancellationToken cancellationToken)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        var hash = PodTemplates.Hash(deployment.Spec.Template);
        var available = replicaSets.Sum(r => r.Status?.AvailableReplicas ?? 0);
        var updated = replicaSets.Where(r => IsOfTemplate(r, hash)).Sum(r => r.Status?.Replicas ?? 0);
        var total = replicaSets.Sum(r => r.Status?.Replicas ?? 0);
        var previous = deployment.Status ?? new V1DeploymentStatus();
        var now = SimulationClock.Now(api.Time);
        var status = new V1DeploymentStatus
        {
            // All omitempty in apps/v1.DeploymentStatus.
            Replicas = OmitEmpty.Count(total),
            UpdatedReplicas = OmitEmpty.Count(updated),
            ReadyReplicas = OmitEmpty.Count(replicaSets.Sum(r => r.Status?.ReadyReplicas ?? 0)),
            AvailableReplicas = OmitEmpty.Count(available),
            UnavailableReplicas = OmitEmpty.Count(Math.Max(0, desired - available)),
            ObservedGeneration = deployment.Metadata.Generation,
        };
        var complete = updated == desired && total == desired && available >= desired;
        var progressing = deployment.Spec.Paused == true
            ? PausedCondition(previous, now)
            : ProgressingCondition(deployment, previous, status, complete, replicaSets.FirstOrDefault(r => IsOfTemplate(r, hash))?.Metadata.Name, now);
        status.Conditions = [AvailableCondition(previous, available >= desired, now), progressing];
        var deadline = progressing.Reason == "ReplicaSetUpdated" && deployment.Spec.ProgressDeadlineSeconds is { } seconds
            ? SimulationClock.AsOffset(progressing.LastUpdateTime!.Value).AddSeconds(seconds)
            : (DateTimeOffset?)null;
        if (!PodTemplates.SameJson(status, previous))
        {
            deployment.Status = status;
            await Writes.TryAsync(() => api.UpdateStatusAsync(deployment, cancellationToken: cancellationToken), Name, ResourceTypes.Deployments, deployment.Metadata, logger);
        }

        return deadline;
    }

    /// <summary>
    /// Upstream's syncRolloutStatus: True, <c>ReplicaSetUpdated</c>, renewed (its lastUpdateTime) whenever the rollout
    /// moves on; True, <c>NewReplicaSetAvailable</c> once complete; False, <c>ProgressDeadlineExceeded</c> when it has
    /// not moved for <c>progressDeadlineSeconds</c> (600 by default), until it moves again.
    /// </summary>
    private static V1DeploymentCondition ProgressingCondition(
        V1Deployment deployment, V1DeploymentStatus previous, V1DeploymentStatus next, bool complete, string? replicaSet, DateTime now)
    {
        var existing = Find(previous, "Progressing");
        if (complete)
        {
            return Condition(existing, "Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{replicaSet}\" has successfully progressed.", now);
        }

        var progressed = Progressed(previous, next);
        if (existing is { Reason: "ReplicaSetUpdated" or "ProgressDeadlineExceeded" } && !progressed)
        {
            return existing.Reason == "ProgressDeadlineExceeded"
                || (deployment.Spec.ProgressDeadlineSeconds is { } seconds && existing.LastUpdateTime?.AddSeconds(seconds) <= now)
                ? Condition(existing, "Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{replicaSet}\" has timed out progressing.", now)
                : existing;
        }

        // Progress renews lastUpdateTime, which the deadline counts from, even when nothing else about it changes.
        return Condition(existing, "Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{replicaSet}\" is progressing.", now, renew: progressed);
    }

    /// <summary>Upstream's DeploymentProgressing: more updated, ready or available pods, or fewer old ones.</summary>
    private static bool Progressed(V1DeploymentStatus before, V1DeploymentStatus after) =>
        (after.UpdatedReplicas ?? 0) > (before.UpdatedReplicas ?? 0)
        || (after.Replicas ?? 0) - (after.UpdatedReplicas ?? 0) < (before.Replicas ?? 0) - (before.UpdatedReplicas ?? 0)
        || (after.ReadyReplicas ?? 0) > (before.ReadyReplicas ?? 0)
        || (after.AvailableReplicas ?? 0) > (before.AvailableReplicas ?? 0);

    private static bool IsOfTemplate(V1ReplicaSet replicaSet, string hash) =>
        replicaSet.GetLabel(TemplateHashLabel) == hash;

    /// <summary>Upstream's checkPausedConditions: while paused, Progressing is Unknown and says so.</summary>
    private static V1DeploymentCondition PausedCondition(V1DeploymentStatus previous, DateTime now) =>
        Condition(Find(previous, "Progressing"), "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now);

    private static V1DeploymentCondition AvailableCondition(V1DeploymentStatus previous, bool met, DateTime now) => met
        ? Condition(Find(previous, "Available"), "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now)
        : Condition(Find(previous, "Available"), "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now);

    private static V1DeploymentCondition? Find(V1DeploymentStatus status, string type) => status.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>
    /// Upstream's SetDeploymentCondition: lastTransitionTime moves only with the status, lastUpdateTime with any change
    /// (or when <paramref name="renew"/>).
    /// </summary>
    private static V1DeploymentCondition Condition(
        V1DeploymentCondition? existing, string type, string status, string reason, string message, DateTime now, bool renew = false)
    {
        var same = existing is not null && existing.Status == status && existing.Reason == reason && existing.Message == message && !renew;
        return new V1DeploymentCondition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastUpdateTime = same ? existing!.LastUpdateTime : now,
            LastTransitionTime = existing is not null && existing.Status == status ? existing.LastTransitionTime : now,
        };
    }
}
