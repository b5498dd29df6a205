using System.Globalization;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The DaemonSet's ControllerRevisions, kept as upstream's <c>constructHistory</c> and <c>cleanupHistory</c> keep them
/// (<c>pkg/controller/daemon/update.go</c>): one revision per template, named <c>{daemonset}-{hash}</c>, owned by the
/// DaemonSet, its <c>data</c> the strategic merge patch that restores the template, which is what
/// <c>kubectl rollout undo</c> sends back. Revisions are told apart by their data, not their name: a template that
/// comes back (an undo) renumbers its old revision to the highest number instead of getting a new one, and the pods
/// take that revision's hash. Not simulated: adopting orphaned revisions that match the selector, the hash collision
/// count, and deduplicating several revisions with the current data (only made by hand; the highest counts).
/// </summary>
internal sealed partial class DaemonSetController
{
    private const int DefaultRevisionHistoryLimit = 10;

    private static readonly string[] ContainerLists = ["containers", "initContainers"];

    /// <summary>Plain (not pointer) <c>omitempty</c> booleans of PodSpec and Container: Go leaves them out when false.</summary>
    private static readonly string[] PodFlags = ["hostNetwork", "hostPID", "hostIPC"];

    private static readonly string[] ContainerFlags = ["stdin", "stdinOnce", "tty"];

    private readonly VersionCache<Revision> _revisions = new(static stored => new Revision(stored.ToModel<V1ControllerRevision>(), stored.ToJsonObject()["data"]));

    /// <returns>The current revision's hash and the DaemonSet's other revisions; null when the current one could not be
    /// written (a revision of that name exists, or the write lost a race): the next pass tries again.</returns>
    private async Task<History?> ConstructHistoryAsync(V1DaemonSet daemonSet, List<Revision> revisions, CancellationToken cancellationToken)
    {
        var data = RestorePatch(daemonSet.Spec.Template);
        var ofTemplate = revisions.ToLookup(r => JsonNode.DeepEquals(r.Data, data));
        var old = ofTemplate[false].ToList();
        var next = old.Count == 0 ? 1 : old.Max(r => r.Number) + 1;
        var current = ofTemplate[true].MaxBy(r => r.Number);
        if (current is null)
        {
            var hash = PodTemplates.Hash(daemonSet.Spec.Template);
            return await CreateRevisionAsync(daemonSet, hash, data, next, cancellationToken) ? new History(hash, old) : null;
        }

        if (current.Number < next)
        {
            var renumbered = $$"""{"revision":{{next.ToString(CultureInfo.InvariantCulture)}}}""";
            if (!await Writes.TryAsync(() => api.PatchAsync(ResourceTypes.ControllerRevisions, daemonSet.Metadata.NamespaceProperty, current.Name, PatchType.Merge, renumbered, cancellationToken: cancellationToken),
                    Name, ResourceTypes.ControllerRevisions, current.Model.Metadata, logger))
            {
                return null;
            }

            SimulationLog.RevisionRenumbered(logger, daemonSet.Metadata.NamespaceProperty, daemonSet.Metadata.Name, current.Name, current.Number, next);
        }

        return new History(current.Hash, old);
    }

    private async Task<bool> CreateRevisionAsync(V1DaemonSet daemonSet, string hash, JsonObject data, long number, CancellationToken cancellationToken)
    {
        var revision = new V1ControllerRevision
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{daemonSet.Metadata.Name}-{hash}",
                NamespaceProperty = daemonSet.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>(daemonSet.Spec.Template.Metadata?.Labels ?? new Dictionary<string, string>()) { [RevisionLabel] = hash },
                // Upstream copies every annotation of the DaemonSet, kubernetes.io/change-cause among them (the CHANGE-CAUSE of rollout history).
                Annotations = daemonSet.Metadata.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : null,
                OwnerReferences = [Owners.Controller("apps/v1", "DaemonSet", daemonSet.Metadata)],
            },
            Data = data,
            Revision = number,
        };
        if (!await Writes.TryAsync(() => api.CreateAsync(revision, cancellationToken: cancellationToken), Name, ResourceTypes.ControllerRevisions, revision.Metadata, logger))
        {
            return false;
        }

        SimulationLog.RevisionCreated(logger, daemonSet.Metadata.NamespaceProperty, daemonSet.Metadata.Name, revision.Metadata.Name, number);
        return true;
    }

    /// <summary>
    /// Upstream's cleanupHistory: beyond <c>revisionHistoryLimit</c> old revisions, the oldest go first, except those
    /// whose hash a pod of the DaemonSet still carries (terminating pods count).
    /// </summary>
    private async Task CleanupHistoryAsync(V1DaemonSet daemonSet, List<Revision> old, List<V1Pod> pods, CancellationToken cancellationToken)
    {
        var surplus = old.Count - (daemonSet.Spec.RevisionHistoryLimit ?? DefaultRevisionHistoryLimit);
        if (surplus <= 0)
        {
            return;
        }

        var live = pods.Select(p => RevisionOf(p.Metadata))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        foreach (var revision in old.Where(r => !live.Contains(r.Hash)).OrderBy(r => r.Number).Take(surplus))
        {
            var preconditions = new V1Preconditions { Uid = revision.Model.Metadata.Uid };
            if (await Writes.TryAsync(() => api.DeleteAsync<V1ControllerRevision>(daemonSet.Metadata.NamespaceProperty, revision.Name, preconditions, cancellationToken: cancellationToken),
                    Name, ResourceTypes.ControllerRevisions, revision.Model.Metadata, logger))
            {
                SimulationLog.RevisionPruned(logger, daemonSet.Metadata.NamespaceProperty, daemonSet.Metadata.Name, revision.Name, revision.Number);
            }
        }
    }

    /// <summary>
    /// Upstream's getPatch: <c>{"spec":{"template":{...,"$patch":"replace"}}}</c> with the template as Go's encoding/json
    /// writes it from the typed object: keys sorted (it went through a map), the zero values Go's structs always carry
    /// (<c>creationTimestamp: null</c>, a container's <c>resources: {}</c>) and none of the false flags it omits
    /// (<c>hostNetwork: false</c>). kubectl renders the DaemonSet the same way and compares bytes to tell that an undo
    /// has nothing to do; other zero values Go omits (an empty string, say) make it roll back to an equal template
    /// instead of skipping. Fields the model does not know are dropped, as Go's decoding drops them.
    /// </summary>
    private static JsonObject RestorePatch(V1PodTemplateSpec template)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(template))!.AsObject();
        var metadata = node["metadata"] as JsonObject ?? [];
        node["metadata"] = metadata;
        if (!metadata.ContainsKey("creationTimestamp"))
        {
            metadata["creationTimestamp"] = null;
        }

        var spec = node["spec"] as JsonObject;
        OmitFalse(spec, PodFlags);
        foreach (var container in ContainerLists.SelectMany(list => spec?[list] as JsonArray ?? []).OfType<JsonObject>())
        {
            container["resources"] ??= new JsonObject();
            OmitFalse(container, ContainerFlags);
        }

        node["$patch"] = "replace";
        return new JsonObject { ["spec"] = new JsonObject { ["template"] = SortedKeys(node) } };
    }

    private static void OmitFalse(JsonObject? obj, string[] flags)
    {
        foreach (var flag in flags.Where(f => obj?[f] is JsonValue value && value.TryGetValue<bool>(out var set) && !set))
        {
            obj!.Remove(flag);
        }
    }

    private static JsonNode? SortedKeys(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, SortedKeys(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(SortedKeys)]),
        _ => node?.DeepClone(),
    };

    /// <summary>The template revision the pods should run (its hash) and the revisions of earlier templates.</summary>
    private sealed record History(string Hash, List<Revision> Old);

    /// <summary>A ControllerRevision as read once per version: the model (metadata, number) and its data as JSON.</summary>
    private sealed record Revision(V1ControllerRevision Model, JsonNode? Data)
    {
        public string Name => Model.Metadata.Name;

        public long Number => Model.Revision ?? 0;

        /// <summary>Upstream labels a revision without the hash label with its name, and reads that.</summary>
        public string Hash => RevisionOf(Model.Metadata) ?? Name;
    }
}
