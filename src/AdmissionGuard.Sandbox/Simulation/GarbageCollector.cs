using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The garbage collector (background deletion): an object whose every owner reference names an object that no
/// longer exists (or exists with another uid) is deleted, so ReplicaSets go with their Deployment, pods with their
/// ReplicaSet or DaemonSet, CiliumEndpoints with their pod. Also the pod GC: a pod bound to a node that has been
/// gone for <see cref="OrphanQuarantine"/> is deleted.
/// </summary>
internal sealed class GarbageCollector(ClusterApi api, ILogger logger) : IController
{
    /// <summary>How long kube-controller-manager's pod GC waits before it trusts that a node is gone.</summary>
    public static readonly TimeSpan OrphanQuarantine = TimeSpan.FromSeconds(40);

    private readonly Dictionary<string, DateTimeOffset> _orphanedSince = new(StringComparer.Ordinal);

    // Every object of every type is checked on every pass: its owner references are parsed once per version.
    private readonly VersionCache<JsonArray?> _owners = new(static stored =>
        stored.Json.Span.IndexOf("\"ownerReferences\""u8) >= 0 ? stored.ToJsonObject()["metadata"]?["ownerReferences"] as JsonArray : null);

    public string Name => "garbage-collector";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } =
        [.. ResourceTypes.All.Where(t => t != ResourceTypes.Events && t != ResourceTypes.Leases)];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        _owners.StartPass();
        foreach (var type in WatchedTypes)
        {
            foreach (var stored in api.List(type, null).Items)
            {
                if (!AnyOwnerAlive(stored) && await DeleteAsync(stored, force: false, cancellationToken))
                {
                    SimulationLog.DependentCollected(logger, type.ToString(), stored.Namespace, stored.Name, stored.Uid);
                }
            }
        }

        return await CollectOrphanedPodsAsync(cancellationToken);
    }

    private bool AnyOwnerAlive(StoredObject dependent)
    {
        var owners = _owners.Read(dependent);
        if (owners is not { Count: > 0 })
        {
            return true;
        }

        return owners.Any(owner =>
        {
            var apiVersion = (string?)owner?["apiVersion"];
            var kind = (string?)owner?["kind"];
            var type = ResourceTypes.All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);
            if (type is null)
            {
                // An owner of a kind the sandbox does not serve cannot be checked: keep the dependent.
                return true;
            }

            var found = api.TryGet(type, type.Namespaced ? dependent.Namespace : null, (string?)owner?["name"] ?? "");
            return found is not null && found.Uid == (string?)owner?["uid"];
        });
    }

    private async Task<DateTimeOffset?> CollectOrphanedPodsAsync(CancellationToken cancellationToken)
    {
        var now = api.Time.GetUtcNow();
        var nodes = api.List(ResourceTypes.Nodes, null).Items.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var orphans = api.List(ResourceTypes.Pods, null, new ListOptions { FieldSelector = "spec.nodeName!=" }).Items
            .Where(p => !nodes.Contains(p.Fields["spec.nodeName"]))
            .ToList();
        foreach (var uid in _orphanedSince.Keys.Except(orphans.Select(o => o.Uid)).ToList())
        {
            _orphanedSince.Remove(uid);
        }

        DateTimeOffset? next = null;
        foreach (var pod in orphans)
        {
            var since = _orphanedSince.TryGetValue(pod.Uid, out var seen) ? seen : _orphanedSince[pod.Uid] = now;
            var due = since + OrphanQuarantine;
            if (due > now)
            {
                next = next is { } earlier && earlier < due ? earlier : due;
                continue;
            }

            _orphanedSince.Remove(pod.Uid);
            // No kubelet will ever finish a pod whose node is gone: the pod GC force-deletes it.
            if (await DeleteAsync(pod, force: true, cancellationToken))
            {
                SimulationLog.OrphanPodCollected(logger, pod.Namespace!, pod.Name, pod.Fields["spec.nodeName"]);
            }
        }

        return next;
    }

    /// <returns>False when the object was already gone or replaced by a new one of the same name.</returns>
    private async Task<bool> DeleteAsync(StoredObject stored, bool force, CancellationToken cancellationToken)
    {
        try
        {
            var context = new RequestContext { GracePeriodSeconds = force ? 0 : null };
            await api.DeleteAsync(stored.Type, stored.Namespace, stored.Name, new V1Preconditions { Uid = stored.Uid }, context, cancellationToken);
            return true;
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            return false;
        }
    }
}
