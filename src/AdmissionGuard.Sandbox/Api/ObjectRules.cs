using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// The per-kind strategies of kube-apiserver that matter here: defaults applied before admission, what a create
/// resets (status), and validation (422). Deliberately a small subset of the real rules.
/// </summary>
internal static class ObjectRules
{
    private static readonly JsonSerializerOptions ModelJson = KubernetesModelJson();

    /// <summary>
    /// kube-apiserver decodes a body into its Go type before anything else. It refuses one that does not fit (a string
    /// where the type has an object, a number for a string): 400 <c>X in version "v" cannot be handled as a X</c>;
    /// decoding into the kind's model does the same here, so no controller and no client ever reads such an object
    /// back. And it drops the fields the type does not have, dealing with them as
    /// <see cref="RequestContext.FieldValidation"/> says: 400 <c>strict decoding error: unknown field "spec.x"</c> when
    /// Strict, a warning <c>unknown field "spec.x"</c> each when Warn. Cilium's kinds keep theirs: the sandbox's model
    /// of them is partial, and their schema is the CRD's, not the sandbox's.
    /// </summary>
    /// <exception cref="ApiException">400 BadRequest naming the field that does not fit, or every unknown one when Strict.</exception>
    public static void Decode(ResourceType type, JsonObject obj, RequestContext context)
    {
        try
        {
            _ = obj.Deserialize(type.ModelType, ModelJson);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException or NotSupportedException)
        {
            throw Undecodable(type, e.Message);
        }

        if (ResourceTypes.CustomResources.Contains(type))
        {
            return;
        }

        var unknown = UnknownFields.Prune(obj, type.ModelType, ModelJson);
        if (unknown.Count == 0 || context.FieldValidation == FieldValidation.Ignore)
        {
            return;
        }

        if (context.FieldValidation == FieldValidation.Strict)
        {
            throw Undecodable(type, $"strict decoding error: {string.Join(", ", unknown.Select(f => $"unknown field \"{f}\""))}");
        }

        foreach (var field in unknown)
        {
            context.AddWarning($"unknown field \"{field}\"");
        }
    }

    private static ApiException Undecodable(ResourceType type, string why) =>
        new(ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {why}"));

    private static JsonSerializerOptions KubernetesModelJson()
    {
        JsonSerializerOptions? options = null;
        // KubernetesClient hands its settings (its converters for Kubernetes' time and quantity formats) out only this way.
        KubernetesJson.AddJsonOptions(o => options = o);
        return options ?? throw new InvalidOperationException("KubernetesJson gave no options");
    }

    /// <summary>
    /// Whether kube-apiserver 1.32's strategy for the kind sets <c>metadata.generation</c> (1 on create, one more per
    /// change of everything but metadata and status): the workloads, disruption budgets and autoscalers whose status
    /// reports the generation it observed, webhook configurations and CRDs and their custom resources. Pods have one
    /// only from 1.33 on; ConfigMaps, Leases, Events, nodes and the like never.
    /// </summary>
    public static bool TracksGeneration(ResourceType type) =>
        type == ResourceTypes.Deployments || type == ResourceTypes.ReplicaSets || type == ResourceTypes.DaemonSets
        || type == ResourceTypes.StatefulSets || type == ResourceTypes.Jobs || type == ResourceTypes.CronJobs
        || type == ResourceTypes.PodDisruptionBudgets || type == ResourceTypes.HorizontalPodAutoscalers
        || type == ResourceTypes.MutatingWebhookConfigurations || type == ResourceTypes.ValidatingWebhookConfigurations
        || type == ResourceTypes.ValidatingAdmissionPolicies || type == ResourceTypes.ValidatingAdmissionPolicyBindings
        || type == ResourceTypes.CustomResourceDefinitions || ResourceTypes.CustomResources.Contains(type);

    /// <summary>Defaults applied when decoding a new object, before mutating admission (webhooks see them).</summary>
    public static void ApplyDefaults(ResourceType type, JsonObject obj)
    {
        if (type == ResourceTypes.Namespaces)
        {
            var metadata = obj["metadata"]!.AsObject();
            var labels = metadata["labels"] as JsonObject ?? [];
            labels["kubernetes.io/metadata.name"] = metadata["name"]?.DeepClone();
            metadata["labels"] = labels;
        }

        if (type == ResourceTypes.PriorityClasses)
        {
            obj["preemptionPolicy"] ??= "PreemptLowerPriority";
        }

        if (type == ResourceTypes.Secrets)
        {
            obj["type"] ??= "Opaque";
        }

        if (type == ResourceTypes.Services)
        {
            ServiceRules.ApplyDefaults(obj);
        }

        if (type == ResourceTypes.EndpointSlices)
        {
            EndpointSliceRules.ApplyDefaults(obj);
        }

        if (AdmissionConfigurationRules.Applies(type))
        {
            AdmissionConfigurationRules.ApplyDefaults(type, obj);
        }

        if (type == ResourceTypes.Jobs && obj["spec"] is JsonObject jobSpec)
        {
            jobSpec["completions"] ??= 1;
            jobSpec["parallelism"] ??= 1;
            jobSpec["backoffLimit"] ??= 6;
            jobSpec["completionMode"] ??= "NonIndexed";
            jobSpec["suspend"] ??= false;
        }

        if (type == ResourceTypes.Pods && obj["spec"] is JsonObject spec)
        {
            PodDefaults.ApplyToPod(spec);
        }
        else if (PodTemplateSpec(type, obj) is { } templateSpec)
        {
            PodDefaults.ApplyToSpec(templateSpec);
        }

        if (obj["spec"] is JsonObject workloadSpec)
        {
            ApplyWorkloadDefaults(type, workloadSpec);
        }
    }

    /// <summary>The pod template's spec of a workload: what its pods are made from, defaulted as a pod's is.</summary>
    private static JsonObject? PodTemplateSpec(ResourceType type, JsonObject obj) =>
        type == ResourceTypes.CronJobs ? obj["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"] as JsonObject
        : type == ResourceTypes.Deployments || type == ResourceTypes.ReplicaSets || type == ResourceTypes.DaemonSets
          || type == ResourceTypes.StatefulSets || type == ResourceTypes.Jobs ? obj["spec"]?["template"]?["spec"] as JsonObject
        : null;

    /// <summary>
    /// The apps/v1 defaults (<c>pkg/apis/apps/v1/defaults.go</c>): clients such as <c>kubectl rollout status</c> and
    /// the guard read the update strategy of every workload, and on a real cluster it is never absent.
    /// </summary>
    private static void ApplyWorkloadDefaults(ResourceType type, JsonObject spec)
    {
        if (type == ResourceTypes.DaemonSets)
        {
            var strategy = RollingUpdateStrategy(spec, "updateStrategy");
            if (strategy is not null)
            {
                strategy["maxUnavailable"] ??= 1;
                strategy["maxSurge"] ??= 0;
            }

            spec["revisionHistoryLimit"] ??= 10;
        }
        else if (type == ResourceTypes.Deployments)
        {
            spec["replicas"] ??= 1;
            var strategy = RollingUpdateStrategy(spec, "strategy");
            if (strategy is not null)
            {
                strategy["maxUnavailable"] ??= "25%";
                strategy["maxSurge"] ??= "25%";
            }

            spec["revisionHistoryLimit"] ??= 10;
            spec["progressDeadlineSeconds"] ??= 600;
        }
        else if (type == ResourceTypes.StatefulSets)
        {
            spec["replicas"] ??= 1;
            spec["podManagementPolicy"] ??= "OrderedReady";
            // Upstream gives a StatefulSet's rolling update its partition only when the type was defaulted too.
            var defaultedType = spec["updateStrategy"]?["type"] is null;
            var strategy = RollingUpdateStrategy(spec, "updateStrategy", createRollingUpdate: defaultedType);
            if (strategy is not null)
            {
                strategy["partition"] ??= 0;
            }

            var retention = spec["persistentVolumeClaimRetentionPolicy"] as JsonObject ?? [];
            retention["whenDeleted"] ??= "Retain";
            retention["whenScaled"] ??= "Retain";
            spec["persistentVolumeClaimRetentionPolicy"] = retention;
            spec["revisionHistoryLimit"] ??= 10;
        }
        else if (type == ResourceTypes.ReplicaSets)
        {
            spec["replicas"] ??= 1;
        }
    }

    /// <summary>
    /// Defaults <c>spec.{field}.type</c> to RollingUpdate and returns its <c>rollingUpdate</c> object when the type is
    /// RollingUpdate (created unless <paramref name="createRollingUpdate"/> is false and it is absent); null otherwise.
    /// Every field has its type's shape here: <see cref="Decode"/> runs first.
    /// </summary>
    private static JsonObject? RollingUpdateStrategy(JsonObject spec, string field, bool createRollingUpdate = true)
    {
        var strategy = spec[field] as JsonObject ?? [];
        spec[field] = strategy;
        strategy["type"] ??= "RollingUpdate";
        if ((string?)strategy["type"] != "RollingUpdate")
        {
            return null;
        }

        if (strategy["rollingUpdate"] is JsonObject rollingUpdate)
        {
            return rollingUpdate;
        }

        if (!createRollingUpdate)
        {
            return null;
        }

        rollingUpdate = [];
        strategy["rollingUpdate"] = rollingUpdate;
        return rollingUpdate;
    }

    /// <summary>What a create resets after mutating admission (PrepareForCreate).</summary>
    public static void PrepareForCreate(ResourceType type, JsonObject obj)
    {
        if (type == ResourceTypes.Pods)
        {
            var status = new JsonObject { ["phase"] = "Pending", ["qosClass"] = PodDefaults.QosClassOf(obj["spec"] as JsonObject ?? []) };
            if (obj["spec"]?["schedulingGates"] is JsonArray { Count: > 0 })
            {
                status["conditions"] = new JsonArray(SchedulingGatedCondition());
            }

            obj["status"] = status;
        }
        else if (type == ResourceTypes.Namespaces)
        {
            obj["status"] = new JsonObject { ["phase"] = "Active" };
        }
        else if (type == ResourceTypes.Services)
        {
            obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
        }
        else if (type == ResourceTypes.Jobs)
        {
            obj["status"] = new JsonObject();
            GenerateJobSelector(obj);
        }
        else if (type == ResourceTypes.CustomResourceDefinitions)
        {
            obj["status"] = CustomResourceDefinitions.StatusOnCreate(obj);
        }
        else if (type == ResourceTypes.Deployments || type == ResourceTypes.DaemonSets
                 || type == ResourceTypes.ReplicaSets || type == ResourceTypes.PodDisruptionBudgets)
        {
            obj.Remove("status");
        }
    }

    /// <summary>
    /// Unless <c>spec.manualSelector</c>, a Job selects its pods by its uid, and its template carries the labels that
    /// select them (the Job strategy's generateSelector).
    /// </summary>
    private static void GenerateJobSelector(JsonObject job)
    {
        if (job["spec"] is not JsonObject spec || (bool?)spec["manualSelector"] == true)
        {
            return;
        }

        var uid = (string?)job["metadata"]?["uid"];
        var name = (string?)job["metadata"]?["name"];
        spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
        var template = spec["template"] as JsonObject ?? [];
        spec["template"] = template;
        var templateMetadata = template["metadata"] as JsonObject ?? [];
        template["metadata"] = templateMetadata;
        var labels = templateMetadata["labels"] as JsonObject ?? [];
        templateMetadata["labels"] = labels;
        labels["batch.kubernetes.io/controller-uid"] = uid;
        labels["batch.kubernetes.io/job-name"] = name;
        labels["controller-uid"] = uid;
        labels["job-name"] = name;
    }

    /// <summary>The condition kube-apiserver puts on a pod created with scheduling gates.</summary>
    public static JsonObject SchedulingGatedCondition() => new()
    {
        ["type"] = "PodScheduled",
        ["status"] = "False",
        ["reason"] = "SchedulingGated",
        ["message"] = "Scheduling is blocked due to non-empty scheduling gates",
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = null,
    };

    public static List<V1StatusCause> ValidateCreate(ResourceType type, JsonObject obj)
    {
        var causes = new List<V1StatusCause>();
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        if (!LabelSyntax.IsDnsSubdomain(name))
        {
            causes.Add(ApiErrors.InvalidValue("metadata.name", name, LabelSyntax.DnsSubdomainMessage));
        }

        if (type == ResourceTypes.Pods)
        {
            ValidatePodSpec(obj, causes);
            if (obj["spec"]?["schedulingGates"] is JsonArray { Count: > 0 } && !string.IsNullOrEmpty((string?)obj["spec"]?["nodeName"]))
            {
                causes.Add(ApiErrors.Cause("spec.nodeName", "Forbidden: cannot be set until all schedulingGates have been cleared", "FieldValueForbidden"));
            }
        }
        else if (type == ResourceTypes.ControllerRevisions)
        {
            ValidateControllerRevision(obj, causes);
        }
        else if (WorkloadRules.Applies(type))
        {
            WorkloadRules.ValidateCreate(type, obj, causes);
        }
        else if (AdmissionConfigurationRules.Applies(type))
        {
            AdmissionConfigurationRules.Validate(type, obj, causes);
        }
        else if (type == ResourceTypes.EndpointSlices)
        {
            EndpointSliceRules.Validate(obj, old: null, causes);
        }
        else if (type == ResourceTypes.CustomResourceDefinitions
                 && CustomResourceDefinitions.NameOf((string?)obj["spec"]?["group"] ?? "", (string?)obj["spec"]?["names"]?["plural"] ?? "") != name)
        {
            causes.Add(ApiErrors.InvalidValue("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }

        return causes;
    }

    public static List<V1StatusCause> ValidateUpdate(ResourceType type, JsonObject obj, JsonObject old)
    {
        var causes = new List<V1StatusCause>();
        if (WorkloadRules.Applies(type))
        {
            WorkloadRules.ValidateUpdate(type, obj, old, causes);
        }
        else if (AdmissionConfigurationRules.Applies(type))
        {
            AdmissionConfigurationRules.Validate(type, obj, causes);
        }
        else if (type == ResourceTypes.EndpointSlices)
        {
            EndpointSliceRules.Validate(obj, old, causes);
        }
        else if (type == ResourceTypes.ControllerRevisions)
        {
            ValidateControllerRevision(obj, causes);
            // A revision is a snapshot: only its number (and metadata) may change, which is how a rollback renumbers one.
            if (!JsonNode.DeepEquals(obj["data"], old["data"]))
            {
                causes.Add(ApiErrors.Cause("data", $"Invalid value: {obj["data"]?.ToJsonString() ?? "null"}: field is immutable"));
            }

            return causes;
        }

        if (type != ResourceTypes.Pods)
        {
            return causes;
        }

        ValidatePodSpec(obj, causes);
        var oldGates = Names(old["spec"]?["schedulingGates"]);
        var added = Names(obj["spec"]?["schedulingGates"]).Except(oldGates).ToList();
        if (added.Count > 0)
        {
            causes.Add(ApiErrors.Cause("spec.schedulingGates",
                $"Forbidden: only deletion is allowed, but found new scheduling gate '{added[0]}'", "FieldValueForbidden"));
        }

        if (old["spec"] is JsonObject oldSpec && obj["spec"] is JsonObject newSpec)
        {
            ValidatePodSpecUpdate(newSpec, oldSpec, causes);
        }

        return causes;
    }

    /// <summary>
    /// kube-apiserver's <c>ValidatePodUpdate</c>: a pod's spec is immutable but for container and init container images,
    /// activeDeadlineSeconds, terminationGracePeriodSeconds, added tolerations (an existing one may change only its
    /// tolerationSeconds) and removed scheduling gates; while the pod is gated, also its nodeSelector and affinity.
    /// </summary>
    private static void ValidatePodSpecUpdate(JsonObject spec, JsonObject oldSpec, List<V1StatusCause> causes)
    {
        var oldTolerations = (oldSpec["tolerations"] as JsonArray ?? []).Select(WithoutSeconds).ToList();
        var newTolerations = (spec["tolerations"] as JsonArray ?? []).Select(WithoutSeconds).ToList();
        if (!oldTolerations.TrueForAll(o => newTolerations.Exists(n => JsonNode.DeepEquals(o, n))))
        {
            causes.Add(ApiErrors.Cause("spec.tolerations", "Forbidden: existing toleration can not be modified except its tolerationSeconds", "FieldValueForbidden"));
        }

        var gated = oldSpec["schedulingGates"] is JsonArray { Count: > 0 };
        string[] mutable = gated
            ? ["activeDeadlineSeconds", "terminationGracePeriodSeconds", "tolerations", "schedulingGates", "nodeSelector", "affinity"]
            : ["activeDeadlineSeconds", "terminationGracePeriodSeconds", "tolerations", "schedulingGates"];
        var before = Munged(oldSpec, mutable);
        var after = Munged(spec, mutable);
        if (!JsonNode.DeepEquals(before, after))
        {
            causes.Add(ApiErrors.Cause("spec",
                "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
                "FieldValueForbidden"));
        }

        static JsonNode? WithoutSeconds(JsonNode? toleration)
        {
            var copy = toleration?.DeepClone();
            (copy as JsonObject)?.Remove("tolerationSeconds");
            return copy;
        }

        static JsonObject Munged(JsonObject spec, string[] mutable)
        {
            var copy = spec.DeepClone().AsObject();
            foreach (var field in mutable)
            {
                copy.Remove(field);
            }

            foreach (var containers in new[] { "containers", "initContainers" })
            {
                foreach (var container in copy[containers] as JsonArray ?? [])
                {
                    (container as JsonObject)?.Remove("image");
                }
            }

            return copy;
        }
    }

    /// <summary>
    /// Leaves out the optional lists and maps that are empty, as Go's <c>omitempty</c> encoding does: on kube-apiserver a
    /// node whose last taint was removed has no <c>spec.taints</c>, and a pod whose last scheduling gate was removed no
    /// <c>spec.schedulingGates</c> (so <c>kubectl get -o jsonpath</c> prints nothing for them, not <c>[]</c>). Only the
    /// fields the simulated cluster, the guard and everyday kubectl commands empty; all of them are omitempty upstream.
    /// </summary>
    public static void OmitEmptyLists(ResourceType type, JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            RemoveIfEmpty(metadata, "labels", "annotations", "finalizers", "ownerReferences");
        }

        if (obj["spec"] is JsonObject spec && OmitEmptyInSpec.TryGetValue(type.Plural, out var fields))
        {
            RemoveIfEmpty(spec, fields);
        }

        static void RemoveIfEmpty(JsonObject parent, params ReadOnlySpan<string> fields)
        {
            foreach (var field in fields)
            {
                if (parent[field] is JsonArray { Count: 0 } or JsonObject { Count: 0 })
                {
                    parent.Remove(field);
                }
            }
        }
    }

    private static readonly Dictionary<string, string[]> OmitEmptyInSpec = new(StringComparer.Ordinal)
    {
        ["pods"] = ["schedulingGates", "tolerations"],
        ["nodes"] = ["taints"],
    };

    /// <summary>
    /// The object as kube-apiserver's Go encoding writes it, applied last on every create and update: empty optional
    /// lists left out (<see cref="OmitEmptyLists"/>), zero values written (<see cref="AddZeroValues"/>) and MicroTimes
    /// in their one format (<see cref="FormatMicroTimes"/>).
    /// </summary>
    public static void EncodeAsGo(ResourceType type, JsonObject obj)
    {
        OmitEmptyLists(type, obj);
        AddZeroValues(type, obj);
        FormatMicroTimes(type, obj);
    }

    /// <summary>
    /// Writes the <c>metav1.MicroTime</c> fields as kube-apiserver encodes them, in UTC with exactly six fractional
    /// digits (<c>RFC3339Micro</c>), whatever precision the client sent: Go clients decode a MicroTime only in that
    /// form, and <c>kubectl describe pod</c> showed no Events when an <c>eventTime</c> had none. Unreadable values are
    /// left to validation.
    /// </summary>
    private static void FormatMicroTimes(ResourceType type, JsonObject obj)
    {
        if (type == ResourceTypes.Events)
        {
            Format(obj, "eventTime");
            Format(obj["series"] as JsonObject, "lastObservedTime");
        }
        else if (type == ResourceTypes.Leases)
        {
            Format(obj["spec"] as JsonObject, "acquireTime");
            Format(obj["spec"] as JsonObject, "renewTime");
        }

        static void Format(JsonObject? parent, string field)
        {
            if (parent?[field] is JsonValue value && value.TryGetValue<string>(out var text)
                && Rfc3339.TryParse(text, out var time))
            {
                parent[field] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>
    /// Fields kube-apiserver always writes because Go serializes empty non-pointer structs and zero numbers without
    /// omitempty: <c>"spec": {}</c> and <c>"status": {}</c> on the kinds whose spec and status are values, and the
    /// zero counters of workload and budget statuses. A client can then JSON-patch <c>add /spec/unschedulable</c>.
    /// </summary>
    private static void AddZeroValues(ResourceType type, JsonObject obj)
    {
        if (ZeroValues.TryGetValue(type.Plural, out var zero))
        {
            foreach (var (field, value) in zero)
            {
                var target = obj[field] as JsonObject ?? [];
                obj[field] = target;
                foreach (var (key, nested) in value.AsObject())
                {
                    target[key] ??= nested?.DeepClone();
                }
            }
        }
    }

    private static readonly Dictionary<string, Dictionary<string, JsonNode>> ZeroValues = new(StringComparer.Ordinal)
    {
        ["pods"] = new() { ["spec"] = new JsonObject(), ["status"] = new JsonObject() },
        ["nodes"] = new()
        {
            ["spec"] = new JsonObject(),
            ["status"] = JsonNode.Parse("""
                {"daemonEndpoints":{"kubeletEndpoint":{"Port":0}},"nodeInfo":{"machineID":"","systemUUID":"","bootID":"",
                 "kernelVersion":"","osImage":"","containerRuntimeVersion":"","kubeletVersion":"","kubeProxyVersion":"",
                 "operatingSystem":"","architecture":""}}
                """)!,
        },
        ["namespaces"] = new() { ["spec"] = new JsonObject(), ["status"] = new JsonObject() },
        ["deployments"] = new() { ["spec"] = new JsonObject(), ["status"] = new JsonObject() },
        ["replicasets"] = new() { ["spec"] = new JsonObject(), ["status"] = JsonNode.Parse("""{"replicas":0}""")! },
        ["daemonsets"] = new()
        {
            ["spec"] = new JsonObject(),
            ["status"] = JsonNode.Parse("""{"currentNumberScheduled":0,"numberMisscheduled":0,"desiredNumberScheduled":0,"numberReady":0}""")!,
        },
        ["poddisruptionbudgets"] = new()
        {
            ["spec"] = new JsonObject(),
            ["status"] = JsonNode.Parse("""{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}""")!,
        },
        ["leases"] = new() { ["spec"] = new JsonObject() },
    };

    /// <summary>kube-apiserver's <c>ValidateControllerRevision</c>: data is required, the revision number not negative.</summary>
    private static void ValidateControllerRevision(JsonObject revision, List<V1StatusCause> causes)
    {
        if (revision["data"] is null)
        {
            causes.Add(ApiErrors.Cause("data", "Required value: data is mandatory", "FieldValueRequired"));
        }

        if (revision["revision"]?.Deserialize<long>() is { } number && number < 0)
        {
            causes.Add(ApiErrors.Cause("revision", $"Invalid value: {number}: must be greater than or equal to 0"));
        }
    }

    private static void ValidatePodSpec(JsonObject pod, List<V1StatusCause> causes)
    {
        TolerationRules.Validate(pod["spec"]?["tolerations"], causes);
        if (pod["spec"]?["containers"] is not JsonArray { Count: > 0 } containers)
        {
            causes.Add(ApiErrors.Cause("spec.containers", "Required value", "FieldValueRequired"));
            return;
        }

        for (var i = 0; i < containers.Count; i++)
        {
            if (string.IsNullOrEmpty(containers[i]?["name"]?.GetValue<string>()))
            {
                causes.Add(ApiErrors.Cause($"spec.containers[{i}].name", "Required value", "FieldValueRequired"));
            }

            if (string.IsNullOrEmpty(containers[i]?["image"]?.GetValue<string>()))
            {
                causes.Add(ApiErrors.Cause($"spec.containers[{i}].image", "Required value", "FieldValueRequired"));
            }
        }
    }

    private static IEnumerable<string> Names(JsonNode? list) =>
        list is JsonArray array ? array.Select(g => g?["name"]?.GetValue<string>() ?? "") : [];
}
