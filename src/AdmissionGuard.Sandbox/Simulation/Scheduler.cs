using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// kube-scheduler, reduced: binds pending, ungated, unbound pods of the default scheduler to the feasible node
/// with the fewest pods, through the binding subresource so <c>pods/binding</c> admission webhooks run. A refused
/// binding is retried with exponential backoff; a pod that fits nowhere gets <c>PodScheduled=False, Unschedulable</c>
/// and is retried whenever nodes or pods change.
/// </summary>
internal sealed class Scheduler(ClusterApi api, SimulationOptions options, ILogger logger) : IController
{
    private const string GatedMessage = "Scheduling is blocked due to non-empty scheduling gates";
    private static readonly ListOptions Unbound = new() { FieldSelector = "spec.nodeName=,status.phase=Pending,spec.schedulerName=default-scheduler" };

    private readonly Dictionary<string, (int Failures, DateTimeOffset RetryAt)> _backoff = new(StringComparer.Ordinal);
    private readonly VersionCache<V1Node> _nodes = VersionCache.OfModels<V1Node>();
    private readonly ComponentEvents _events = new(api, "default-scheduler", EventsApi.EventsV1, logger);

    public string Name => "scheduler";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Pods, ResourceTypes.Nodes];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        var pending = api.List(ResourceTypes.Pods, null, Unbound).Items;
        PruneBackoff(pending);
        if (pending.Count == 0)
        {
            return null;
        }

        _nodes.StartPass();
        var nodes = _nodes.ReadAll(api.List(ResourceTypes.Nodes, null).Items);
        var load = api.List(ResourceTypes.Pods, null).Items
            .Select(p => p.Fields["spec.nodeName"])
            .Where(n => n.Length > 0)
            .CountBy(n => n)
            .ToDictionary(StringComparer.Ordinal);
        DateTimeOffset? next = null;
        foreach (var stored in pending)
        {
            var pod = stored.ToModel<V1Pod>();
            if (pod.Spec.SchedulingGates is { Count: > 0 })
            {
                await SetScheduledConditionAsync(pod, "SchedulingGated", GatedMessage, cancellationToken);
                continue;
            }

            if (_backoff.TryGetValue(stored.Uid, out var backoff) && backoff.RetryAt > api.Time.GetUtcNow())
            {
                next = next is { } earlier && earlier < backoff.RetryAt ? earlier : backoff.RetryAt;
                continue;
            }

            var (node, why) = PickNode(pod, nodes, load);
            if (node is null)
            {
                if (await SetScheduledConditionAsync(pod, "Unschedulable", why, cancellationToken))
                {
                    SimulationLog.PodUnschedulable(logger, stored.Namespace!, stored.Name, why);
                    await _events.RecordAsync(pod, "Warning", "FailedScheduling", "Scheduling", why, cancellationToken);
                }

                continue;
            }

            if (await BindAsync(pod, node, cancellationToken) is { } retryAt)
            {
                next = next is { } earlier && earlier < retryAt ? earlier : retryAt;
            }
            else
            {
                load[node] = load.GetValueOrDefault(node) + 1;
            }
        }

        return next;
    }

    private static (string? Node, string Why) PickNode(V1Pod pod, IReadOnlyList<V1Node> nodes, Dictionary<string, int> load)
    {
        if (nodes.Count == 0)
        {
            return (null, "no nodes available to schedule pods");
        }

        var failures = new SortedDictionary<string, int>(StringComparer.Ordinal);
        string? best = null;
        foreach (var node in nodes)
        {
            if (NodeFit.Check(pod.Spec, node) is { } reason)
            {
                failures[reason] = failures.GetValueOrDefault(reason) + 1;
            }
            else if (best is null || load.GetValueOrDefault(node.Metadata.Name) < load.GetValueOrDefault(best))
            {
                best = node.Metadata.Name;
            }
        }

        return best is not null
            ? (best, "")
            : (null, string.Create(CultureInfo.InvariantCulture,
                $"0/{nodes.Count} nodes are available: {string.Join(", ", failures.Select(f => $"{f.Value} {f.Key}"))}."));
    }

    /// <returns>When to retry after a refused binding; null when the pod was bound or is gone.</returns>
    private async Task<DateTimeOffset?> BindAsync(V1Pod pod, string node, CancellationToken cancellationToken)
    {
        var binding = new V1Binding
        {
            Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid },
            Target = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = node },
        };
        try
        {
            await api.BindAsync(binding, cancellationToken: cancellationToken);
            _backoff.Remove(pod.Metadata.Uid);
            SimulationLog.PodBound(logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, node);
            await _events.RecordAsync(pod, "Normal", "Scheduled", "Binding", $"Successfully assigned {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} to {node}", cancellationToken);
            return null;
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // The pod went away, got bound or gated meanwhile: the next pass sees its new state.
            return null;
        }
        catch (ApiException e)
        {
            var failures = _backoff.TryGetValue(pod.Metadata.Uid, out var previous) ? previous.Failures + 1 : 1;
            var wait = Backoff(failures);
            var retryAt = api.Time.GetUtcNow() + wait;
            _backoff[pod.Metadata.Uid] = (failures, retryAt);
            SimulationLog.BindingRefused(logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, node, e.Code, e.Message, wait);
            // The binding cycle's error as kube-scheduler 1.32 words it (RunBindPlugins), in the condition and the event.
            var error = $"running Bind plugin \"DefaultBinder\": {e.Message}";
            await SetScheduledConditionAsync(pod, "SchedulerError", error, cancellationToken);
            await _events.RecordAsync(pod, "Warning", "FailedScheduling", "Scheduling", error, cancellationToken);
            return retryAt;
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var wait = options.SchedulerInitialBackoff * Math.Pow(2, Math.Min(failures - 1, 30));
        return wait < options.SchedulerMaxBackoff ? wait : options.SchedulerMaxBackoff;
    }

    /// <returns>True when the condition changed.</returns>
    private async Task<bool> SetScheduledConditionAsync(V1Pod pod, string reason, string message, CancellationToken cancellationToken)
    {
        pod.Status ??= new V1PodStatus();
        if (!StatusConditions.Set(pod.Status, "PodScheduled", "False", SimulationClock.Now(api.Time), reason, message))
        {
            return false;
        }

        return await Writes.TryAsync(() => api.UpdateStatusAsync(pod, cancellationToken: cancellationToken), Name, ResourceTypes.Pods, pod.Metadata, logger);
    }

    private void PruneBackoff(IReadOnlyList<StoredObject> pending)
    {
        var waiting = pending.Select(p => p.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var uid in _backoff.Keys.Where(uid => !waiting.Contains(uid)).ToList())
        {
            _backoff.Remove(uid);
        }
    }
}
