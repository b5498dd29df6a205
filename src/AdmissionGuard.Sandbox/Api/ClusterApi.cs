using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Admission;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Patching;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// The sandbox's API server, in process. The HTTP surface is a thin translation onto these methods, so a
/// controller calling them gets exactly what kubectl gets: defaulting, admission webhooks (a scheduler's
/// <see cref="BindAsync(V1Binding, RequestContext?, CancellationToken)"/> runs <c>pods/binding</c> webhooks),
/// validation, resourceVersion checks, watch events.
/// <list type="bullet">
/// <item>Typed: <c>CreateAsync(model)</c>, <c>Get&lt;T&gt;(ns, name)</c> (null if absent), <c>List&lt;T&gt;(ns, options)</c>,
/// <c>UpdateAsync(model)</c> (409 if metadata.resourceVersion is stale; unconditional when it is empty),
/// <c>UpdateStatusAsync(model)</c>, <c>PatchAsync&lt;T&gt;(ns, name, PatchType, patch)</c>,
/// <c>DeleteAsync&lt;T&gt;(ns, name)</c>, <c>BindAsync(V1Binding)</c>, <c>EvictAsync(ns, name)</c>,
/// <c>Watch&lt;T&gt;(ns, options)</c>. Models are KubernetesClient classes (and <see cref="Cilium.CiliumEndpoint"/>);
/// <c>T</c> picks the resource (<see cref="ResourceTypes.For{T}"/>).</item>
/// <item>Untyped (what HTTP uses; cheaper at scale): the same verbs on <see cref="ResourceType"/> +
/// <see cref="JsonObject"/>, returning immutable <see cref="StoredObject"/>s; <see cref="List(ResourceType, string?, ListOptions?)"/>
/// filters on pre-extracted labels and fields without parsing JSON.</item>
/// <item>Failures throw <see cref="ApiException"/> carrying the HTTP Status (404, 409, 422, 400, 403, 429, 410, 500).
/// Pass a <see cref="RequestContext"/> to dry-run or to collect webhook warnings.</item>
/// <item>Deleting a bound pod is graceful (see <see cref="DeletePodGracefully"/>); other deletes are immediate (no
/// finalizers); deleting a namespace deletes its objects. Owner-reference garbage collection is a controller's job.</item>
/// </list>
/// </summary>
/// <remarks>
/// Objects are stored as UTF-8 JSON (<see cref="StoredObject"/>), not as KubernetesClient models: models are
/// mutable (every read would need a deep copy to keep the store consistent) and every list or watch would
/// have to serialize them again. With bytes, listing 50,000 pods copies bytes to the wire, watches share one
/// instance per change, and selectors read fields extracted once per write.
/// </remarks>
public sealed partial class ClusterApi(ObjectStore store, IAdmission admission, TimeProvider time)
{
    private const int PatchRetries = 5;
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    // apiserver's name generator cuts a generateName to 58 characters, so that with its 5 random ones a name fits 63.
    private const int MaxGeneratedNamePrefix = 58;

    /// <summary>The address the apiserver advertises in the <c>kubernetes</c> Endpoints: below the node addresses <see cref="Simulation.AddressPool"/> hands out.</summary>
    private const string ApiServerAddress = "192.168.0.10";

    /// <summary>The namespaces every cluster starts with.</summary>
    public static IReadOnlyList<string> DefaultNamespaces { get; } = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public ObjectStore Store => store;

    public TimeProvider Time => time;

    /// <summary>A fresh in-memory cluster holding the default namespaces.</summary>
    public static ClusterApi CreateInMemory(IAdmission? admission = null, TimeProvider? time = null, int historyLimit = ObjectStore.DefaultHistoryLimit) =>
        Create(new ObjectStore(historyLimit), admission ?? NoAdmission.Instance, time ?? TimeProvider.System);

    /// <summary>A cluster on <paramref name="store"/>, seeded with the default namespaces when they are missing.</summary>
    public static ClusterApi Create(ObjectStore store, IAdmission admission, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        var api = new ClusterApi(store, admission, time);
        foreach (var name in DefaultNamespaces)
        {
            if (store.Get(ResourceTypes.Namespaces, null, name) is not null)
            {
                continue;
            }

            var ns = new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } };
            // Completes synchronously: webhooks cannot be registered before the store exists.
            api.CreateAsync(ResourceTypes.Namespaces, null, ns).GetAwaiter().GetResult();
        }

        (ResourceType Type, Func<JsonObject> Seed)[] apiServerOwn =
            [(ResourceTypes.Services, KubernetesService), (ResourceTypes.Endpoints, KubernetesEndpoints), (ResourceTypes.EndpointSlices, KubernetesEndpointSlice)];
        foreach (var (type, seed) in apiServerOwn)
        {
            if (store.Get(type, "default", "kubernetes") is null)
            {
                api.CreateAsync(type, "default", seed()).GetAwaiter().GetResult();
            }
        }

        return api;
    }

    /// <summary>
    /// The Service kube-apiserver keeps for itself in <c>default</c> (its bootstrap controller): the range's first
    /// address, port 443 onto the apiserver's 6443. Without a selector: its endpoints are the apiserver's own.
    /// </summary>
    private static JsonObject KubernetesService() => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = "kubernetes",
            ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
        },
        ["spec"] = new JsonObject
        {
            ["clusterIP"] = ServiceRules.KubernetesServiceIp,
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = 6443 }),
        },
    };

    /// <summary>
    /// The Endpoints kube-apiserver's endpoint reconciler writes for <c>kubernetes</c>: its advertise address and secure
    /// port, labelled so that the mirroring controller leaves them to it. The address is the node network's, below the
    /// nodes' (the sandbox listens on loopback, which Endpoints may not name); nothing routes it.
    /// </summary>
    private static JsonObject KubernetesEndpoints() => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = "kubernetes",
            ["labels"] = new JsonObject { ["endpointslice.kubernetes.io/skip-mirror"] = "true" },
        },
        ["subsets"] = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray(new JsonObject { ["ip"] = ApiServerAddress }),
            ["ports"] = new JsonArray(ApiServerPort()),
        }),
    };

    /// <summary>The reconciler's EndpointSlice beside them: named as the Service, no managed-by label, always ready.</summary>
    private static JsonObject KubernetesEndpointSlice() => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = "kubernetes",
            ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = "kubernetes" },
        },
        ["addressType"] = "IPv4",
        ["endpoints"] = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray(ApiServerAddress),
            ["conditions"] = new JsonObject { ["ready"] = true },
        }),
        ["ports"] = new JsonArray(ApiServerPort()),
    };

    private static JsonObject ApiServerPort() => new() { ["name"] = "https", ["port"] = 6443, ["protocol"] = "TCP" };

    // ---- untyped -------------------------------------------------------------------------------------------

    /// <summary>Creates an object (POST). <paramref name="objectNamespace"/> is the request's namespace, if any.</summary>
    public async Task<StoredObject> CreateAsync(ResourceType type, string? objectNamespace, JsonObject obj, RequestContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        context ??= new RequestContext();
        var metadata = Normalize(type, obj);
        ObjectRules.Decode(type, obj, context);
        var bodyNamespace = (string?)metadata["namespace"];
        if (type.Namespaced)
        {
            if (!string.IsNullOrEmpty(objectNamespace) && !string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != objectNamespace)
            {
                throw new ApiException(ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request"));
            }

            objectNamespace = string.IsNullOrEmpty(objectNamespace) ? (string.IsNullOrEmpty(bodyNamespace) ? "default" : bodyNamespace) : objectNamespace;
            metadata["namespace"] = objectNamespace;
            RequireNamespace(objectNamespace);
        }
        else
        {
            metadata.Remove("namespace");
            objectNamespace = null;
        }

        metadata.Remove("resourceVersion");
        metadata.Remove("uid");
        metadata.Remove("creationTimestamp");
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        ObjectRules.ApplyDefaults(type, obj);
        if (type == ResourceTypes.Pods && obj["spec"] is JsonObject podSpec)
        {
            ServiceAccountAdmission.Admit(obj, objectNamespace!, account => Get<V1ServiceAccount>(objectNamespace, account), RandomSuffix);
            PodDefaults.ApplyPriority(podSpec, (string?)metadata["name"] ?? "", className => Get<V1PriorityClass>(null, className));
        }

        // Before admission, so that webhooks see the object as Go would encode it, and again after the mutating ones.
        ObjectRules.OmitEmptyLists(type, obj);

        // As kube-apiserver: mutating webhooks see the object before it is named and given its uid and
        // creationTimestamp, and request.name is the name the client sent (empty for generateName) in both reviews.
        var requestedName = (string?)metadata["name"] ?? "";
        var request = new AdmissionRequest(type, null, Gvk(type), AdmissionOperation.Create, objectNamespace, requestedName, obj, null, context);
        obj = await MutatedAsync(request, cancellationToken);
        var name = requestedName.Length > 0 ? requestedName : GenerateName(type, Normalize(type, obj));
        KeepIdentity(obj, type, objectNamespace, name, new JsonObject { ["uid"] = Guid.NewGuid().ToString(), ["creationTimestamp"] = Timestamp() });
        if (ObjectRules.TracksGeneration(type))
        {
            obj["metadata"]!["generation"] = 1;
        }
        else
        {
            obj["metadata"]!.AsObject().Remove("generation");
        }
        if (type == ResourceTypes.Services)
        {
            // After mutating admission, as the REST storage allocates: validating admission sees the cluster IP.
            ThrowIfInvalid(type, name, ServiceRules.Allocate(obj, null, OtherServices(objectNamespace, name)));
        }

        ObjectRules.PrepareForCreate(type, obj);
        ObjectRules.EncodeAsGo(type, obj);
        ThrowIfInvalid(type, name, ObjectRules.ValidateCreate(type, obj));
        await admission.ValidateAsync(request with { NewObject = obj }, cancellationToken);
        if (context.DryRun)
        {
            return ObjectStore.Preview(type, obj);
        }

        return store.Create(type, obj);
    }

    /// <exception cref="ApiException">404 when absent.</exception>
    public StoredObject Get(ResourceType type, string? objectNamespace, string name) =>
        TryGet(type, objectNamespace, name) ?? throw new ApiException(ApiErrors.NotFound(type, name));

    public StoredObject? TryGet(ResourceType type, string? objectNamespace, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        return store.Get(type, type.Namespaced ? objectNamespace : null, name);
    }

    /// <summary>Lists in key order (namespace, name); <paramref name="objectNamespace"/> null or empty = all namespaces.</summary>
    /// <remarks>
    /// As kube-apiserver over etcd: a page seeks to its first key (O(log n)) and reads on until it is full, so a
    /// page costs O(page size) whatever its offset; later pages read the first page's snapshot; a continue token
    /// older than the kept history gets 410 Expired with a token that continues at the latest revision; the
    /// remaining count is given only when no selector filters the list.
    /// </remarks>
    /// <exception cref="ApiException">400 for bad selectors or a bad continue token, 410 for an expired one.</exception>
    public ListResult List(ResourceType type, string? objectNamespace, ListOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        options ??= new ListOptions();
        var filter = ObjectFilter.Build(type, objectNamespace, options.LabelSelector, options.FieldSelector);
        var prefix = type.Namespaced && !string.IsNullOrEmpty(objectNamespace) ? objectNamespace + "/" : "";
        var snapshot = store.Snapshot(type);
        var start = prefix.Length == 0 ? 0 : snapshot.IndexAtOrAfter(prefix);
        if (!string.IsNullOrEmpty(options.Continue))
        {
            var (revision, after) = DecodeContinue(options.Continue);
            snapshot = revision < 0 ? snapshot : ContinuedSnapshot(type, revision, after);
            start = Math.Max(start, snapshot.IndexAfter(after));
        }

        // Keys under "ns/" end before "ns0" ('0' follows '/').
        var end = prefix.Length == 0 ? snapshot.Count : snapshot.IndexAtOrAfter(prefix[..^1] + "0");
        var limit = options.Limit is > 0 ? options.Limit.Value : int.MaxValue;
        var items = new List<StoredObject>(Math.Min(limit, end - start));
        var next = start;
        for (; next < end && items.Count < limit; next++)
        {
            var stored = snapshot[next];
            if (filter(stored))
            {
                items.Add(stored);
            }
        }

        if (next == end)
        {
            return new ListResult(items, snapshot.Revision, null, null);
        }

        var unfiltered = string.IsNullOrEmpty(options.LabelSelector) && string.IsNullOrEmpty(options.FieldSelector);
        return new ListResult(items, snapshot.Revision, EncodeContinue(snapshot.Revision, snapshot[next - 1].Key), unfiltered ? end - next : null);
    }

    private SnapshotCollection ContinuedSnapshot(ResourceType type, long revision, string after)
    {
        try
        {
            return store.SnapshotAt(type, revision);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            var expired = ApiErrors.Expired(
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, " +
                "or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an " +
                "inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
            expired.Metadata = new V1ListMeta { ContinueProperty = EncodeContinue(-1, after) };
            throw new ApiException(expired);
        }
    }

    /// <summary>Replaces an object (PUT), or its status when <paramref name="subresource"/> is <c>status</c>.</summary>
    /// <exception cref="ApiException">404, 409 on a stale metadata.resourceVersion, 422, 400 on a name mismatch.</exception>
    public async Task<StoredObject> UpdateAsync(ResourceType type, string? objectNamespace, string name, JsonObject obj, string? subresource = null, RequestContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        var metadata = Normalize(type, obj);
        var bodyName = (string?)metadata["name"];
        if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
        {
            throw new ApiException(ApiErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})"));
        }

        var expected = ParseResourceVersion((string?)metadata["resourceVersion"]);
        var current = Get(type, objectNamespace, name);
        return await ReplaceAsync(type, current, obj, subresource, expected, context ?? new RequestContext(), cancellationToken);
    }

    /// <summary>Patches an object or its status; retries internally on a concurrent write unless the patch pins a resourceVersion.</summary>
    /// <exception cref="ApiException">404, 409, 422, 400 (malformed patch).</exception>
    public async Task<StoredObject> PatchAsync(ResourceType type, string? objectNamespace, string name, PatchType patchType, string patch, string? subresource = null, RequestContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        context ??= new RequestContext();
        var patchNode = patchType == PatchType.Apply ? YamlJson.Parse(patch) : JsonPatch.Parse(patch);
        for (var attempt = 1; ; attempt++)
        {
            var current = patchType == PatchType.Apply ? TryGet(type, objectNamespace, name) : Get(type, objectNamespace, name);
            if (current is null)
            {
                var created = patchNode as JsonObject ?? throw new ApiException(ApiErrors.BadRequest("an apply patch must be an object"));
                created["metadata"] ??= new JsonObject();
                created["metadata"]!["name"] = name;
                return await CreateAsync(type, objectNamespace, created, context, cancellationToken);
            }

            var patched = ApplyPatch(type, name, patchType, current.ToJsonObject(), patchNode);

            var pinned = PinsResourceVersion(patchType, patchNode);
            var expected = pinned ? ParseResourceVersion((string?)patched["metadata"]?["resourceVersion"]) : current.ResourceVersion;
            try
            {
                return await ReplaceAsync(type, current, patched, subresource, expected, context, cancellationToken);
            }
            catch (ApiException e) when (e.Reason == "Conflict" && !pinned && attempt < PatchRetries)
            {
                // A concurrent write won: apply the patch again to the new version.
            }
        }
    }

    /// <summary>Deletes an object: a bound pod gracefully, anything else at once. A namespace takes its objects with it.</summary>
    /// <exception cref="ApiException">404, 409 when a precondition fails.</exception>
    public async Task<StoredObject> DeleteAsync(ResourceType type, string? objectNamespace, string name, V1Preconditions? preconditions = null, RequestContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        context ??= new RequestContext();
        var current = Get(type, objectNamespace, name);
        if (type == ResourceTypes.Namespaces && name is "default" or "kube-system" or "kube-public")
        {
            throw new ApiException(ApiErrors.Forbidden($"namespaces \"{name}\" is forbidden: this namespace may not be deleted"));
        }

        if (type == ResourceTypes.CustomResourceDefinitions && CustomResourceDefinitions.Served(name) is { } served)
        {
            // Real clusters stop serving the type; the sandbox cannot, so it refuses rather than pretend.
            throw new ApiException(ApiErrors.Forbidden(
                $"customresourcedefinitions.apiextensions.k8s.io \"{name}\" is forbidden: the sandbox serves {served} itself and cannot stop serving it; start it without them instead (Simulation:CiliumEndpoints=false)"));
        }

        var request = new AdmissionRequest(type, null, Gvk(type), AdmissionOperation.Delete, current.Namespace, name, null, current.ToJsonObject(), context);
        await admission.MutateAsync(request, cancellationToken);
        await admission.ValidateAsync(request, cancellationToken);
        if (context.DryRun)
        {
            return current;
        }

        if (type == ResourceTypes.Pods)
        {
            return DeletePodGracefully(current, preconditions, context.GracePeriodSeconds);
        }

        var deleted = store.Delete(type, current.Namespace, name, ParseResourceVersion(preconditions?.ResourceVersion), preconditions?.Uid);
        if (type == ResourceTypes.Namespaces)
        {
            foreach (var namespaced in ResourceTypes.All.Where(t => t.Namespaced))
            {
                foreach (var inside in store.Snapshot(namespaced).Where(o => o.Namespace == name))
                {
                    TryDelete(namespaced, inside);
                }
            }
        }

        return deleted;
    }

    /// <summary>
    /// POST pods/{name}/binding: runs <c>pods/binding</c> CREATE admission, then sets spec.nodeName and
    /// PodScheduled=True. 409 when the pod is already bound or still has scheduling gates.
    /// </summary>
    public Task BindAsync(string objectNamespace, string podName, JsonObject binding, RequestContext? context = null, CancellationToken cancellationToken = default) =>
        BindAsync(objectNamespace, podName, binding, ResourceTypes.Pods, "binding", context, cancellationToken);

    /// <summary>
    /// The legacy <c>POST /api/v1/namespaces/{ns}/bindings</c> (the pod named by the Binding's metadata.name): the same
    /// binding, but admitted as resource <c>bindings</c> without a subresource, so a <c>pods/binding</c> rule does not see it.
    /// </summary>
    public Task BindLegacyAsync(string objectNamespace, JsonObject binding, RequestContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var podName = (string?)binding["metadata"]?["name"];
        return string.IsNullOrEmpty(podName)
            ? throw new ApiException(ApiErrors.Invalid(LegacyBindings.Resource, "", [ApiErrors.Cause("metadata.name", "Required value: name or generateName is required", "FieldValueRequired")]))
            : BindAsync(objectNamespace, podName, binding, LegacyBindings.Resource, null, context, cancellationToken);
    }

    private async Task BindAsync(string objectNamespace, string podName, JsonObject binding, ResourceType admittedAs, string? subresource, RequestContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(binding);
        context ??= new RequestContext();
        var pods = ResourceTypes.Pods;
        binding["apiVersion"] = "v1";
        binding["kind"] = "Binding";
        var metadata = binding["metadata"] as JsonObject ?? new JsonObject();
        binding["metadata"] = metadata;
        metadata["name"] ??= podName;
        metadata["namespace"] ??= objectNamespace;
        if ((string?)metadata["name"] != podName)
        {
            throw new ApiException(ApiErrors.BadRequest($"the name of the object ({(string?)metadata["name"]}) does not match the name on the URL ({podName})"));
        }

        var node = (string?)binding["target"]?["name"];
        if (string.IsNullOrEmpty(node))
        {
            throw new ApiException(ApiErrors.Invalid(pods, podName, [ApiErrors.Cause("target.name", "Required value", "FieldValueRequired")]));
        }

        var request = new AdmissionRequest(admittedAs, subresource, GroupVersionKind.Binding, AdmissionOperation.Create, objectNamespace, podName, binding, null, context);
        binding = await MutatedAsync(request, cancellationToken);
        await admission.ValidateAsync(request with { NewObject = binding }, cancellationToken);
        if (context.DryRun)
        {
            Get(pods, objectNamespace, podName);
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = Get(pods, objectNamespace, podName);
            var pod = current.ToJsonObject();
            var spec = pod["spec"]!.AsObject();
            if (!string.IsNullOrEmpty((string?)spec["nodeName"]))
            {
                throw new ApiException(ApiErrors.Conflict(pods, podName, $"pod {podName} is already assigned to node \"{(string?)spec["nodeName"]}\""));
            }

            if (spec["schedulingGates"] is JsonArray { Count: > 0 })
            {
                throw new ApiException(ApiErrors.Conflict(pods, podName, $"pod {podName} has non-empty .spec.schedulingGates"));
            }

            var uid = (string?)metadata["uid"];
            if (!string.IsNullOrEmpty(uid) && uid != current.Uid)
            {
                throw new ApiException(ApiErrors.Conflict(pods, podName, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}"));
            }

            spec["nodeName"] = node;
            SetCondition(pod, "PodScheduled", "True", null);
            try
            {
                store.Update(pods, pod, current.ResourceVersion);
                return;
            }
            catch (ApiException e) when (e.Reason == "Conflict" && attempt < PatchRetries)
            {
            }
        }
    }

    /// <summary>Watches a type (see <see cref="ObjectStore.Watch"/>), filtered by namespace and selectors.</summary>
    /// <exception cref="ApiException">400 for bad selectors or resourceVersion, 410 when it is too old.</exception>
    public WatchSubscription Watch(ResourceType type, string? objectNamespace, WatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        options ??= new WatchOptions();
        var filter = ObjectFilter.Build(type, objectNamespace, options.LabelSelector, options.FieldSelector);
        return store.Watch(type, filter, ParseResourceVersion(options.ResourceVersion), options.Capacity);
    }

    /// <summary>Applies a parsed patch of <paramref name="patchType"/> to <paramref name="target"/> (which it changes).</summary>
    /// <exception cref="ApiException">422 when the patch cannot be applied.</exception>
    internal static JsonObject ApplyPatch(ResourceType type, string name, PatchType patchType, JsonObject target, JsonNode? patch)
    {
        try
        {
            return patchType switch
            {
                PatchType.Json => JsonPatch.Apply(target, patch),
                PatchType.StrategicMerge => StrategicMergePatch.Apply(target, patch),
                _ => MergePatch.Apply(target, patch),
            };
        }
        catch (PatchException e)
        {
            throw new ApiException(ApiErrors.Invalid(type, name, [ApiErrors.Cause("", e.Message)]));
        }
    }

    // ---- internals -----------------------------------------------------------------------------------------

    private async Task<StoredObject> ReplaceAsync(ResourceType type, StoredObject current, JsonObject obj, string? subresource, long? expected, RequestContext context, CancellationToken cancellationToken)
    {
        ObjectRules.Decode(type, obj, context);
        var old = current.ToJsonObject();
        var name = current.Name;
        if (subresource == "status")
        {
            var status = obj["status"]?.DeepClone();
            obj = old.DeepClone().AsObject();
            obj["status"] = status;
        }
        else if (subresource == "scale")
        {
            // A Scale writes spec.replicas and nothing else.
            var replicas = obj["spec"]?["replicas"]?.DeepClone();
            obj = old.DeepClone().AsObject();
            obj["spec"]!["replicas"] = replicas;
        }
        else if (subresource is not null)
        {
            throw new ApiException(ApiErrors.MethodNotAllowed($"the server does not allow this method on the requested resource ({type}/{subresource})"));
        }
        else
        {
            ObjectRules.ApplyDefaults(type, obj);
            if (type == ResourceTypes.Pods && obj["spec"] is JsonObject podSpec && old["spec"] is JsonObject oldPodSpec)
            {
                PodDefaults.KeepPriority(podSpec, oldPodSpec);
            }

            if (type.HasStatus)
            {
                CopyOrOmit(old, obj, "status");
            }
        }

        ObjectRules.OmitEmptyLists(type, obj);
        KeepIdentity(obj, type, current.Namespace, name, old["metadata"]!.AsObject());
        var metadata = obj["metadata"]!.AsObject();
        if (ObjectRules.TracksGeneration(type) && SpecChanged(old, obj))
        {
            metadata["generation"] = (long?)old["metadata"]?["generation"] + 1 ?? 1;
        }
        else
        {
            CopyOrOmit(old["metadata"]!.AsObject(), metadata, "generation");
        }

        if (subresource == "scale")
        {
            // Admission sees what was written, an autoscaling/v1 Scale, as kube-apiserver admits deployments/scale.
            var scaleRequest = new AdmissionRequest(type, subresource, GroupVersionKind.Scale, AdmissionOperation.Update, current.Namespace, name,
                ScaleSubresource.Of(obj), ScaleSubresource.Of(old), context);
            var scale = await MutatedAsync(scaleRequest, cancellationToken);
            obj["spec"]!["replicas"] = scale["spec"]?["replicas"]?.DeepClone();
            ThrowIfInvalid(type, name, ObjectRules.ValidateUpdate(type, obj, old));
            await admission.ValidateAsync(scaleRequest with { NewObject = scale }, cancellationToken);
        }
        else
        {
            var request = new AdmissionRequest(type, subresource, Gvk(type), AdmissionOperation.Update, current.Namespace, name, obj, old, context);
            obj = await MutatedAsync(request, cancellationToken);
            KeepIdentity(obj, type, current.Namespace, name, old["metadata"]!.AsObject());
            if (type == ResourceTypes.Services && subresource is null)
            {
                ThrowIfInvalid(type, name, ServiceRules.Allocate(obj, old, OtherServices(current.Namespace, name)));
            }

            ObjectRules.EncodeAsGo(type, obj);
            ThrowIfInvalid(type, name, ObjectRules.ValidateUpdate(type, obj, old));
            await admission.ValidateAsync(request with { NewObject = obj }, cancellationToken);
        }

        if (context.DryRun)
        {
            return ObjectStore.Preview(type, obj);
        }

        return store.Update(type, obj, expected);
    }

    /// <summary>Every stored Service but <paramref name="name"/>: what holds the cluster IPs and node ports in use.</summary>
    private IEnumerable<JsonObject> OtherServices(string? objectNamespace, string name) =>
        store.Snapshot(ResourceTypes.Services).Where(s => s.Namespace != objectNamespace || s.Name != name).Select(s => s.ToJsonObject());

    private async Task<JsonObject> MutatedAsync(AdmissionRequest request, CancellationToken cancellationToken) =>
        await admission.MutateAsync(request, cancellationToken) ?? request.NewObject!;

    private static bool Selects(StoredObject budget, StoredObject pod)
    {
        var model = budget.ToModel<V1PodDisruptionBudget>();
        try
        {
            return LabelSelector.FromModel(model.Spec?.Selector).Matches(pod.Labels);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private void TryDelete(ResourceType type, StoredObject stored)
    {
        try
        {
            store.Delete(type, stored.Namespace, stored.Name);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Deleted concurrently: nothing left to do.
        }
    }

    private void RequireNamespace(string objectNamespace)
    {
        if (store.Get(ResourceTypes.Namespaces, null, objectNamespace) is null)
        {
            throw new ApiException(ApiErrors.NotFound(ResourceTypes.Namespaces, objectNamespace));
        }
    }

    private static JsonObject Normalize(ResourceType type, JsonObject obj)
    {
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        if (obj["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }

        return metadata;
    }

    /// <summary>Admission may not rename, move or re-identify an object; restore what it must not change.</summary>
    /// <exception cref="ApiException">422 when the object has neither a name nor a generateName.</exception>
    private static string GenerateName(ResourceType type, JsonObject metadata)
    {
        if (!string.IsNullOrEmpty((string?)metadata["name"]))
        {
            return (string)metadata["name"]!;
        }

        var prefix = (string?)metadata["generateName"];
        return string.IsNullOrEmpty(prefix)
            ? throw new ApiException(ApiErrors.Invalid(type, "", [ApiErrors.Cause("metadata.name", "Required value: name or generateName is required", "FieldValueRequired")]))
            : prefix[..Math.Min(prefix.Length, MaxGeneratedNamePrefix)] + RandomSuffix();
    }

    private static void KeepIdentity(JsonObject obj, ResourceType type, string? objectNamespace, string name, JsonObject original)
    {
        var metadata = Normalize(type, obj);
        metadata["name"] = name;
        if (objectNamespace is not null)
        {
            metadata["namespace"] = objectNamespace;
        }

        CopyOrOmit(original, metadata, "uid");
        CopyOrOmit(original, metadata, "creationTimestamp");
        if (!ReferenceEquals(metadata, original))
        {
            if (metadata["generation"] is null)
            {
                CopyOrOmit(original, metadata, "generation");
            }

            // Only a delete starts a deletion; no update may set, move or clear it.
            CopyOrOmit(original, metadata, "deletionTimestamp");
            CopyOrOmit(original, metadata, "deletionGracePeriodSeconds");
        }
    }

    /// <summary>
    /// <paramref name="target"/>'s <paramref name="key"/> becomes <paramref name="source"/>'s, or is left out where the
    /// source has none: Go's omitempty fields are absent when unset, never <c>null</c> (<c>kubectl get -o yaml</c> shows what is here).
    /// </summary>
    private static void CopyOrOmit(JsonObject source, JsonObject target, string key)
    {
        if (source[key] is { } value)
        {
            target[key] = value.DeepClone();
        }
        else
        {
            target.Remove(key);
        }
    }

    private static bool SpecChanged(JsonObject old, JsonObject updated)
    {
        foreach (var (key, value) in updated)
        {
            if (key is not ("metadata" or "status" or "apiVersion" or "kind") && !JsonNode.DeepEquals(value, old[key]))
            {
                return true;
            }
        }

        return old.Any(p => p.Key is not ("metadata" or "status" or "apiVersion" or "kind") && !updated.ContainsKey(p.Key));
    }

    private static void ThrowIfInvalid(ResourceType type, string name, List<V1StatusCause> causes)
    {
        if (causes.Count > 0)
        {
            throw new ApiException(ApiErrors.Invalid(type, name, causes));
        }
    }

    private void SetCondition(JsonObject pod, string conditionType, string status, string? reason)
    {
        var podStatus = pod["status"] as JsonObject ?? new JsonObject();
        pod["status"] = podStatus;
        var conditions = podStatus["conditions"] as JsonArray ?? [];
        podStatus["conditions"] = conditions;
        foreach (var existing in conditions.OfType<JsonObject>().Where(c => (string?)c["type"] == conditionType).ToList())
        {
            conditions.Remove(existing);
        }

        conditions.Add(new JsonObject
        {
            ["type"] = conditionType,
            ["status"] = status,
            ["reason"] = reason,
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = Timestamp(),
        });
    }

    private string Timestamp() => Rfc3339.Format(time.GetUtcNow());

    private static GroupVersionKind Gvk(ResourceType type) => new(type.Group, type.Version, type.Kind);

    private static bool PinsResourceVersion(PatchType patchType, JsonNode? patch) => patchType == PatchType.Json
        ? patch is JsonArray ops && ops.Any(op => (string?)op?["path"] == "/metadata/resourceVersion")
        : patch?["metadata"]?["resourceVersion"] is not null;

    private static long? ParseResourceVersion(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : throw new ApiException(ApiErrors.BadRequest($"invalid resource version \"{text}\": not a number"));
    }

    private static string EncodeContinue(long revision, string lastKey) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["rv"] = revision, ["start"] = lastKey }));

    private static (long Revision, string After) DecodeContinue(string token)
    {
        try
        {
            var node = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)));
            return ((long)node!["rv"]!, (string)node["start"]!);
        }
        catch (Exception e) when (e is FormatException or JsonException or NullReferenceException or InvalidOperationException)
        {
            throw new ApiException(ApiErrors.BadRequest($"continue key is not valid: {e.Message}"));
        }
    }

    private static string RandomSuffix() =>
        string.Create(5, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)];
            }
        });

    private static JsonObject ToJson<T>(T model) => JsonNode.Parse(KubernetesJson.Serialize(model!))!.AsObject();
}
