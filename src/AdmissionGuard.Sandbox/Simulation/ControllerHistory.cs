using System.Globalization;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The ControllerRevisions of a DaemonSet or a StatefulSet, kept as upstream's <c>constructHistory</c> and
/// <c>cleanupHistory</c> keep them (<c>pkg/controller/daemon/update.go</c>, <c>pkg/controller/statefulset</c>): one
/// revision per template, named <c>{owner}-{hash}</c>, labelled with the template's labels and the hash, carrying the
/// owner's annotations (<c>kubernetes.io/change-cause</c> is the CHANGE-CAUSE of <c>kubectl rollout history</c>) and a
/// controller reference; its <c>data</c> the strategic merge patch that restores the template, which is what
/// <c>kubectl rollout undo</c> sends back. Revisions are told apart by their data, not their name: a template that
/// comes back (an undo) renumbers its old revision to the highest number instead of getting a new one. Not simulated:
/// adopting orphaned revisions that match the selector, the hash collision count, and deduplicating several revisions
/// with the current data (only made by hand; the highest counts).
/// </summary>
/// <param name="hashLabel">The label that carries a revision's hash: <c>controller-revision-hash</c> for DaemonSets,
/// <c>controller.kubernetes.io/hash</c> for StatefulSets.</param>
internal sealed class ControllerHistory(ClusterApi api, string component, string ownerKind, string hashLabel, ILogger logger)
{
    private const int DefaultRevisionHistoryLimit = 10;

    private static readonly string[] ContainerLists = ["containers", "initContainers"];

    /// <summary>Plain (not pointer) <c>omitempty</c> booleans of PodSpec and Container: Go leaves them out when false.</summary>
    private static readonly string[] PodFlags = ["hostNetwork", "hostPID", "hostIPC"];

    private static readonly string[] ContainerFlags = ["stdin", "stdinOnce", "tty"];

    private readonly VersionCache<Revision> _revisions = new(stored => new Revision(stored.ToModel<V1ControllerRevision>(), stored.ToJsonObject()["data"], hashLabel));

    public void StartPass() => _revisions.StartPass();

    /// <summary>The revisions in <paramref name="objectNamespace"/>, by the uid of their controller.</summary>
    public Dictionary<string, List<Revision>> ByOwner(string objectNamespace) =>
        Owners.ByController(_revisions.ReadAll(api.List(ResourceTypes.ControllerRevisions, objectNamespace).Items), r => r.Model.Metadata);

    /// <returns>The current template's revision and the owner's other revisions; null when the current one could not be
    /// written (a revision of that name exists, or the write lost a race): the next pass tries again.</returns>
    public async Task<History?> ConstructAsync(V1ObjectMeta owner, V1PodTemplateSpec template, List<Revision> revisions, CancellationToken cancellationToken)
    {
        var data = RestorePatch(template);
        var ofTemplate = revisions.ToLookup(r => JsonNode.DeepEquals(r.Data, data));
        var old = ofTemplate[false].ToList();
        var next = old.Count == 0 ? 1 : old.Max(r => r.Number) + 1;
        if (ofTemplate[true].MaxBy(r => r.Number) is not { } current)
        {
            var hash = PodTemplates.Hash(template);
            return await CreateAsync(owner, template, hash, data, next, cancellationToken) is { } created ? new History(created, old) : null;
        }

        if (current.Number < next)
        {
            var renumbered = $$"""{"revision":{{next.ToString(CultureInfo.InvariantCulture)}}}""";
            if (!await Writes.TryAsync(() => api.PatchAsync(ResourceTypes.ControllerRevisions, owner.NamespaceProperty, current.Name, PatchType.Merge, renumbered, cancellationToken: cancellationToken),
                    component, ResourceTypes.ControllerRevisions, current.Model.Metadata, logger))
            {
                return null;
            }

            SimulationLog.RevisionRenumbered(logger, ownerKind, owner.NamespaceProperty, owner.Name, current.Name, current.Number, next);
        }

        return new History(current, old);
    }

    /// <summary>
    /// Upstream's cleanupHistory: beyond <c>revisionHistoryLimit</c> old revisions, the oldest go first, except those
    /// a pod of the owner still runs (<paramref name="inUse"/>; terminating pods count).
    /// </summary>
    public async Task CleanupAsync(V1ObjectMeta owner, int? revisionHistoryLimit, List<Revision> old, Func<Revision, bool> inUse, CancellationToken cancellationToken)
    {
        var surplus = old.Count - (revisionHistoryLimit ?? DefaultRevisionHistoryLimit);
        if (surplus <= 0)
        {
            return;
        }

        foreach (var revision in old.Where(r => !inUse(r)).OrderBy(r => r.Number).Take(surplus))
        {
            var preconditions = new V1Preconditions { Uid = revision.Model.Metadata.Uid };
            if (await Writes.TryAsync(() => api.DeleteAsync<V1ControllerRevision>(owner.NamespaceProperty, revision.Name, preconditions, cancellationToken: cancellationToken),
                    component, ResourceTypes.ControllerRevisions, revision.Model.Metadata, logger))
            {
                SimulationLog.RevisionPruned(logger, ownerKind, owner.NamespaceProperty, owner.Name, revision.Name, revision.Number);
            }
        }
    }

    private async Task<Revision?> CreateAsync(V1ObjectMeta owner, V1PodTemplateSpec template, string hash, JsonObject data, long number, CancellationToken cancellationToken)
    {
        var revision = new V1ControllerRevision
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{owner.Name}-{hash}",
                NamespaceProperty = owner.NamespaceProperty,
                Labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>()) { [hashLabel] = hash },
                Annotations = owner.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : null,
                OwnerReferences = [Owners.Controller("apps/v1", ownerKind, owner)],
            },
            Data = data,
            Revision = number,
        };
        if (!await Writes.TryAsync(() => api.CreateAsync(revision, cancellationToken: cancellationToken), component, ResourceTypes.ControllerRevisions, revision.Metadata, logger))
        {
            return null;
        }

        SimulationLog.RevisionCreated(logger, ownerKind, owner.NamespaceProperty, owner.Name, revision.Metadata.Name, number);
        return new Revision(revision, data, hashLabel);
    }

    /// <summary>
    /// Upstream's getPatch: <c>{"spec":{"template":{...,"$patch":"replace"}}}</c> with the template as Go's encoding/json
    /// writes it from the typed object: keys sorted (it went through a map), the zero values Go's structs always carry
    /// (<c>creationTimestamp: null</c>, a container's <c>resources: {}</c>) and none of the false flags it omits
    /// (<c>hostNetwork: false</c>). kubectl renders the owner the same way and compares bytes to tell that an undo
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

    /// <summary>The template revision the pods should run and the revisions of earlier templates.</summary>
    public sealed record History(Revision Current, List<Revision> Old);

    /// <summary>A ControllerRevision as read once per version: the model (metadata, number) and its data as JSON.</summary>
    public sealed record Revision(V1ControllerRevision Model, JsonNode? Data, string HashLabel)
    {
        public string Name => Model.Metadata.Name;

        public long Number => Model.Revision ?? 0;

        /// <summary>Upstream labels a revision without the hash label with its name, and reads that.</summary>
        public string Hash => Model.GetLabel(HashLabel) ?? Name;

        /// <summary>The pod template the revision restores.</summary>
        public V1PodTemplateSpec Template => KubernetesJson.Deserialize<V1PodTemplateSpec>(Data!["spec"]!["template"]!.ToJsonString());
    }
}
