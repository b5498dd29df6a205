using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The disruption controller (<c>pkg/controller/disruption</c>): keeps each PodDisruptionBudget's status
/// (currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed, disruptedPods, the DisruptionAllowed condition)
/// so that <see cref="ClusterApi.EvictAsync(string, string, System.Text.Json.Nodes.JsonObject?, RequestContext?, CancellationToken)"/>
/// can answer. An integer minAvailable expects the selected pods, whatever owns them. A percentage or maxUnavailable
/// expects the scale of the pods' controllers (a ReplicaSet's or its Deployment's replicas); over pods whose
/// controller has no scale subresource (a DaemonSet) or no controller at all the controller fails as upstream does:
/// disruptionsAllowed 0, condition DisruptionAllowed=False with reason SyncFailed, observedGeneration not advanced.
/// Terminating pods and pods an eviction has just taken (disruptedPods, for up to two minutes) are not healthy.
/// </summary>
internal sealed class DisruptionController(ClusterApi api, ILogger logger) : IController
{
    public string Name => "disruption-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } =
        [ResourceTypes.PodDisruptionBudgets, ResourceTypes.Pods, ResourceTypes.ReplicaSets, ResourceTypes.Deployments, ResourceTypes.DaemonSets];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        foreach (var budget in api.List<V1PodDisruptionBudget>())
        {
            LabelSelector selector;
            try
            {
                selector = LabelSelector.FromModel(budget.Spec?.Selector);
            }
            catch (FormatException)
            {
                continue;
            }

            var pods = api.List(ResourceTypes.Pods, budget.Metadata.NamespaceProperty).Items
                .Where(p => selector.Matches(p.Labels) && p.Fields["status.phase"] is not ("Succeeded" or "Failed"))
                .Select(p => p.ToModel<V1Pod>())
                .ToList();
            var (status, recheck) = Status(budget, pods);
            if (recheck is { } at)
            {
                next = next is { } sooner && sooner < at ? sooner : at;
            }

            if (status is not null && !PodTemplates.SameJson(status, budget.Status))
            {
                budget.Status = status;
                await Writes.TryAsync(() => api.UpdateStatusAsync(budget, cancellationToken: cancellationToken), Name, ResourceTypes.PodDisruptionBudgets, budget.Metadata, logger);
            }
        }

        return next;
    }

    private (V1PodDisruptionBudgetStatus? Status, DateTimeOffset? Recheck) Status(V1PodDisruptionBudget budget, List<V1Pod> pods)
    {
        var minAvailable = budget.Spec?.MinAvailable?.Value;
        var maxUnavailable = budget.Spec?.MaxUnavailable?.Value;
        int expected;
        if (minAvailable is not null && !minAvailable.EndsWith('%'))
        {
            expected = pods.Count;
        }
        else if (minAvailable is not null || maxUnavailable is not null)
        {
            var scaled = ExpectedPods(budget.Metadata.NamespaceProperty, pods);
            if (scaled.Failure is { } failure)
            {
                return (SyncFailed(budget, failure), null);
            }

            expected = scaled.Count;
        }
        else
        {
            expected = pods.Count;
        }

        int desired;
        if (maxUnavailable is not null)
        {
            if (IntOrPercent.Scale(maxUnavailable, expected) is not { } unavailable)
            {
                return (null, null);
            }

            desired = Math.Max(0, expected - unavailable);
        }
        else if (minAvailable is not null)
        {
            if (IntOrPercent.Scale(minAvailable, expected) is not { } available)
            {
                return (null, null);
            }

            desired = available;
        }
        else
        {
            desired = 0;
        }

        var (disrupted, recheck) = StillDisrupted(budget, pods);
        var healthy = pods.Count(p => p.Metadata.DeletionTimestamp is null && !disrupted.ContainsKey(p.Metadata.Name) && StatusConditions.IsTrue(p.Status, "Ready"));
        var allowed = expected > 0 ? Math.Max(0, healthy - desired) : 0;
        var value = allowed > 0 ? "True" : "False";
        return (new V1PodDisruptionBudgetStatus
        {
            ObservedGeneration = budget.Metadata.Generation,
            CurrentHealthy = healthy,
            DesiredHealthy = desired,
            ExpectedPods = expected,
            DisruptionsAllowed = allowed,
            DisruptedPods = disrupted.Count > 0 ? disrupted : null,
            Conditions = [Condition(budget, value, allowed > 0 ? "SufficientPods" : "InsufficientPods", "", budget.Metadata.Generation)],
        }, recheck);
    }

    /// <summary>What failSafe writes: nothing may be disrupted, and why; the rest of the status stays as it was.</summary>
    private V1PodDisruptionBudgetStatus SyncFailed(V1PodDisruptionBudget budget, string failure)
    {
        var status = budget.Status ?? new V1PodDisruptionBudgetStatus();
        return new V1PodDisruptionBudgetStatus
        {
            ObservedGeneration = status.ObservedGeneration,
            CurrentHealthy = status.CurrentHealthy,
            DesiredHealthy = status.DesiredHealthy,
            ExpectedPods = status.ExpectedPods,
            DisruptionsAllowed = 0,
            DisruptedPods = status.DisruptedPods,
            Conditions = [Condition(budget, "False", "SyncFailed", failure, status.ObservedGeneration)],
        };
    }

    private V1Condition Condition(V1PodDisruptionBudget budget, string value, string reason, string message, long? observedGeneration)
    {
        var previous = budget.Status?.Conditions?.FirstOrDefault(c => c.Type == "DisruptionAllowed");
        return new V1Condition
        {
            Type = "DisruptionAllowed",
            Status = value,
            Reason = reason,
            Message = message,
            ObservedGeneration = observedGeneration,
            LastTransitionTime = previous?.Status == value ? previous.LastTransitionTime : SimulationClock.Now(api.Time),
        };
    }

    /// <summary>Evicted pods still present and not terminating, within the timeout; when the oldest of them expires.</summary>
    private (Dictionary<string, DateTime?> Disrupted, DateTimeOffset? Recheck) StillDisrupted(V1PodDisruptionBudget budget, List<V1Pod> pods)
    {
        var disrupted = new Dictionary<string, DateTime?>(StringComparer.Ordinal);
        DateTimeOffset? recheck = null;
        var now = api.Time.GetUtcNow();
        foreach (var (name, at) in budget.Status?.DisruptedPods ?? new Dictionary<string, DateTime?>())
        {
            if (at is null)
            {
                continue;
            }

            var expires = SimulationClock.AsOffset(at.Value) + ClusterApi.DisruptedPodTimeout;
            if (expires > now && pods.Exists(p => p.Metadata.Name == name && p.Metadata.DeletionTimestamp is null))
            {
                disrupted[name] = at;
                recheck = recheck is { } sooner && sooner < expires ? sooner : expires;
            }
        }

        return (disrupted, recheck);
    }

    /// <summary>The summed scale of the pods' controllers, or why it cannot be known (upstream's getExpectedScale).</summary>
    private (int Count, string? Failure) ExpectedPods(string objectNamespace, List<V1Pod> pods)
    {
        var expected = 0;
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (owner is null)
            {
                return (0, $"found no controllers for pod \"{pod.Metadata.Name}\"");
            }

            if (!counted.Add(owner.Uid))
            {
                continue;
            }

            if (Scale(objectNamespace, owner) is not { } scale)
            {
                return (0, $"{owner.ApiVersion}/{owner.Kind.ToLowerInvariant()} does not implement the scale subresource");
            }

            expected += scale;
        }

        return (expected, null);
    }

    private int? Scale(string objectNamespace, V1OwnerReference owner)
    {
        if (owner.Kind != "ReplicaSet")
        {
            return null;
        }

        var replicaSet = api.Get<V1ReplicaSet>(objectNamespace, owner.Name);
        if (replicaSet?.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == "Deployment") is { } deployment)
        {
            return api.Get<V1Deployment>(objectNamespace, deployment.Name)?.Spec.Replicas ?? 1;
        }

        return replicaSet?.Spec.Replicas ?? 1;
    }
}
