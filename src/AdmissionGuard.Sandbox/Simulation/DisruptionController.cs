using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The disruption controller: keeps each PodDisruptionBudget's status (currentHealthy, desiredHealthy, expectedPods,
/// disruptionsAllowed, the DisruptionAllowed condition) so that <see cref="ClusterApi.EvictAsync(string, string, RequestContext?, CancellationToken)"/>
/// answers 429 when no disruption is allowed. Integer minAvailable expects the selected pods; percentages and
/// maxUnavailable expect the scale of the pods' controllers (a ReplicaSet's or its Deployment's replicas, a
/// DaemonSet's desired pods), each pod without a controller counting as one.
/// </summary>
internal sealed class DisruptionController(ClusterApi api, ILogger logger) : IController
{
    public string Name => "disruption-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } =
        [ResourceTypes.PodDisruptionBudgets, ResourceTypes.Pods, ResourceTypes.ReplicaSets, ResourceTypes.Deployments, ResourceTypes.DaemonSets];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
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
            if (Status(budget, pods) is { } status && !PodTemplates.SameJson(status, budget.Status))
            {
                budget.Status = status;
                await Writes.TryAsync(() => api.UpdateStatusAsync(budget, cancellationToken: cancellationToken), Name, ResourceTypes.PodDisruptionBudgets, budget.Metadata, logger);
            }
        }

        return null;
    }

    private V1PodDisruptionBudgetStatus? Status(V1PodDisruptionBudget budget, List<V1Pod> pods)
    {
        var minAvailable = budget.Spec?.MinAvailable?.Value;
        var maxUnavailable = budget.Spec?.MaxUnavailable?.Value;
        var expected = minAvailable is not null && !minAvailable.EndsWith('%') ? pods.Count : ExpectedPods(budget.Metadata.NamespaceProperty, pods);
        int desired;
        if (maxUnavailable is not null)
        {
            if (Scaled(maxUnavailable, expected) is not { } unavailable)
            {
                return null;
            }

            desired = Math.Max(0, expected - unavailable);
        }
        else if (minAvailable is not null)
        {
            if (Scaled(minAvailable, expected) is not { } available)
            {
                return null;
            }

            desired = available;
        }
        else
        {
            desired = 0;
        }

        var healthy = pods.Count(p => StatusConditions.IsTrue(p.Status, "Ready"));
        var allowed = Math.Max(0, healthy - desired);
        var previous = budget.Status?.Conditions?.FirstOrDefault(c => c.Type == "DisruptionAllowed");
        var value = allowed > 0 ? "True" : "False";
        return new V1PodDisruptionBudgetStatus
        {
            ObservedGeneration = budget.Metadata.Generation,
            CurrentHealthy = healthy,
            DesiredHealthy = desired,
            ExpectedPods = expected,
            DisruptionsAllowed = allowed,
            Conditions =
            [
                new V1Condition
                {
                    Type = "DisruptionAllowed",
                    Status = value,
                    Reason = allowed > 0 ? "SufficientPods" : "InsufficientPods",
                    Message = "",
                    ObservedGeneration = budget.Metadata.Generation,
                    LastTransitionTime = previous?.Status == value ? previous.LastTransitionTime : SimulationClock.Now(api.Time),
                },
            ],
        };
    }

    /// <summary>An int, or a percentage of <paramref name="total"/> rounded up; null when malformed.</summary>
    private static int? Scaled(string value, int total)
    {
        if (value.EndsWith('%'))
        {
            return int.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
                ? (int)Math.Ceiling(percent * total / 100.0)
                : null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
    }

    private int ExpectedPods(string objectNamespace, List<V1Pod> pods)
    {
        var expected = 0;
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (owner is null)
            {
                expected++;
            }
            else if (counted.Add(owner.Uid))
            {
                expected += Scale(objectNamespace, owner) ?? 1;
            }
        }

        return expected;
    }

    private int? Scale(string objectNamespace, V1OwnerReference owner)
    {
        switch (owner.Kind)
        {
            case "ReplicaSet":
                var replicaSet = api.Get<V1ReplicaSet>(objectNamespace, owner.Name);
                if (replicaSet?.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == "Deployment") is { } deployment)
                {
                    return api.Get<V1Deployment>(objectNamespace, deployment.Name)?.Spec.Replicas ?? 1;
                }

                return replicaSet?.Spec.Replicas ?? 1;
            case "DaemonSet":
                return api.Get<V1DaemonSet>(objectNamespace, owner.Name)?.Status?.DesiredNumberScheduled;
            default:
                return null;
        }
    }
}
