using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// meta.k8s.io/v1 Table responses, the server-side printing kubectl asks for. Pods, nodes, events, DaemonSets,
/// Deployments, ReplicaSets, PodDisruptionBudgets, Leases and webhook configurations get the columns of kube-apiserver's printers
/// (<c>pkg/printers/internalversion/printers.go</c>; priority 1 = shown with <c>-o wide</c>; as upstream's table
/// convertor, every row carries the wide cells too); namespaces add STATUS; others NAME and AGE.
/// </summary>
internal sealed class TableBuilder(TimeProvider time)
{
    private static readonly Column[] PodColumns =
    [
        new("Name", "string", "name", 0), new("Ready", "string", "", 0), new("Status", "string", "", 0),
        new("Restarts", "string", "", 0), new("Age", "string", "", 0), new("IP", "string", "", 1),
        new("Node", "string", "", 1), new("Nominated Node", "string", "", 1), new("Readiness Gates", "string", "", 1),
    ];

    private static readonly Column[] NodeColumns =
    [
        new("Name", "string", "name", 0), new("Status", "string", "", 0), new("Roles", "string", "", 0),
        new("Age", "string", "", 0), new("Version", "string", "", 0), new("Internal-IP", "string", "", 1),
        new("External-IP", "string", "", 1), new("OS-Image", "string", "", 1), new("Kernel-Version", "string", "", 1),
        new("Container-Runtime", "string", "", 1),
    ];

    private static readonly Column[] NamespaceColumns =
        [new("Name", "string", "name", 0), new("Status", "string", "", 0), new("Age", "string", "", 0)];

    private static readonly Column[] EventColumns =
    [
        new("Last Seen", "string", "", 0), new("Type", "string", "", 0), new("Reason", "string", "", 0),
        new("Object", "string", "", 0), new("Subobject", "string", "", 1), new("Source", "string", "", 1),
        new("Message", "string", "", 0), new("First Seen", "string", "", 1), new("Count", "string", "", 1),
        new("Name", "string", "name", 1),
    ];

    // Before the workloads' columns: static fields are initialized in the order they are written.
    private static readonly Column[] WorkloadWideColumns =
        [new("Containers", "string", "", 1), new("Images", "string", "", 1), new("Selector", "string", "", 1)];

    private static readonly Column[] DaemonSetColumns =
    [
        new("Name", "string", "name", 0), new("Desired", "integer", "", 0), new("Current", "integer", "", 0),
        new("Ready", "integer", "", 0), new("Up-to-date", "integer", "", 0), new("Available", "integer", "", 0),
        new("Node Selector", "string", "", 0), new("Age", "string", "", 0), .. WorkloadWideColumns,
    ];

    private static readonly Column[] DeploymentColumns =
    [
        new("Name", "string", "name", 0), new("Ready", "string", "", 0), new("Up-to-date", "integer", "", 0),
        new("Available", "integer", "", 0), new("Age", "string", "", 0), .. WorkloadWideColumns,
    ];

    private static readonly Column[] ReplicaSetColumns =
    [
        new("Name", "string", "name", 0), new("Desired", "integer", "", 0), new("Current", "integer", "", 0),
        new("Ready", "integer", "", 0), new("Age", "string", "", 0), .. WorkloadWideColumns,
    ];

    private static readonly Column[] DisruptionBudgetColumns =
    [
        new("Name", "string", "name", 0), new("Min Available", "string", "", 0), new("Max Unavailable", "string", "", 0),
        new("Allowed Disruptions", "integer", "", 0), new("Age", "string", "", 0),
    ];

    private static readonly Column[] LeaseColumns =
        [new("Name", "string", "name", 0), new("Holder", "string", "", 0), new("Age", "string", "", 0)];

    private static readonly Column[] WebhookConfigurationColumns =
        [new("Name", "string", "name", 0), new("Webhooks", "integer", "", 0), new("Age", "string", "", 0)];

    private static readonly Column[] GenericColumns = [new("Name", "string", "name", 0), new("Age", "string", "", 0)];

    private const string None = "<none>";

    /// <param name="includeObject">The includeObject query parameter: None, Metadata (default) or Object.</param>
    public JsonObject Build(ResourceType type, IEnumerable<StoredObject> objects, string? resourceVersion, string? continueToken, string? includeObject)
    {
        var columns = ColumnsOf(type);
        var rows = new JsonArray();
        foreach (var stored in objects)
        {
            var obj = stored.ToJsonObject();
            rows.Add(new JsonObject
            {
                ["cells"] = new JsonArray([.. Cells(type, obj)]),
                ["object"] = RowObject(obj, includeObject),
            });
        }

        var metadata = new JsonObject();
        if (resourceVersion is not null)
        {
            metadata["resourceVersion"] = resourceVersion;
        }

        if (continueToken is not null)
        {
            metadata["continue"] = continueToken;
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = new JsonArray([.. columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Name,
                ["priority"] = c.Priority,
            })]),
            ["rows"] = rows,
        };
    }

    private static Column[] ColumnsOf(ResourceType type) =>
        type == ResourceTypes.Pods ? PodColumns
        : type == ResourceTypes.Nodes ? NodeColumns
        : type == ResourceTypes.Namespaces ? NamespaceColumns
        : type == ResourceTypes.Events ? EventColumns
        : type == ResourceTypes.DaemonSets ? DaemonSetColumns
        : type == ResourceTypes.Deployments ? DeploymentColumns
        : type == ResourceTypes.ReplicaSets ? ReplicaSetColumns
        : type == ResourceTypes.PodDisruptionBudgets ? DisruptionBudgetColumns
        : type == ResourceTypes.Leases ? LeaseColumns
        : type == ResourceTypes.MutatingWebhookConfigurations || type == ResourceTypes.ValidatingWebhookConfigurations ? WebhookConfigurationColumns
        : GenericColumns;

    private IEnumerable<JsonNode?> Cells(ResourceType type, JsonObject obj)
    {
        var name = (string?)obj["metadata"]?["name"] ?? "";
        var age = Age(obj);
        if (type == ResourceTypes.Pods)
        {
            return [name, PodReady(obj), PodStatus(obj), PodRestarts(obj), age, Text(obj["status"]?["podIP"]),
                Text(obj["spec"]?["nodeName"]), Text(obj["status"]?["nominatedNodeName"]), ReadinessGates(obj)];
        }

        if (type == ResourceTypes.Nodes)
        {
            var info = obj["status"]?["nodeInfo"];
            return [name, NodeStatus(obj), NodeRoles(obj), age, (string?)info?["kubeletVersion"] ?? "",
                NodeAddress(obj, "InternalIP"), NodeAddress(obj, "ExternalIP"), Unknown(info?["osImage"]),
                Unknown(info?["kernelVersion"]), Unknown(info?["containerRuntimeVersion"])];
        }

        var spec = obj["spec"];
        var status = obj["status"];
        if (type == ResourceTypes.Events)
        {
            return EventCells(obj, name);
        }

        if (type == ResourceTypes.DaemonSets)
        {
            return [name, Count(status?["desiredNumberScheduled"]), Count(status?["currentNumberScheduled"]),
                Count(status?["numberReady"]), Count(status?["updatedNumberScheduled"]), Count(status?["numberAvailable"]),
                NodeSelector(spec?["template"]?["spec"]?["nodeSelector"]), age, .. WorkloadWideCells(spec)];
        }

        if (type == ResourceTypes.Deployments)
        {
            return [name, $"{Count(status?["readyReplicas"])}/{Count(spec?["replicas"])}", Count(status?["updatedReplicas"]),
                Count(status?["availableReplicas"]), age, .. WorkloadWideCells(spec)];
        }

        if (type == ResourceTypes.ReplicaSets)
        {
            return [name, Count(spec?["replicas"]), Count(status?["replicas"]), Count(status?["readyReplicas"]), age, .. WorkloadWideCells(spec)];
        }

        if (type == ResourceTypes.PodDisruptionBudgets)
        {
            return [name, NotApplicable(spec?["minAvailable"]), NotApplicable(spec?["maxUnavailable"]), Count(status?["disruptionsAllowed"]), age];
        }

        if (type == ResourceTypes.Leases)
        {
            return [name, (string?)spec?["holderIdentity"] ?? "", age];
        }

        if (type == ResourceTypes.MutatingWebhookConfigurations || type == ResourceTypes.ValidatingWebhookConfigurations)
        {
            return [name, (obj["webhooks"] as JsonArray)?.Count ?? 0, age];
        }

        return type == ResourceTypes.Namespaces
            ? [name, (string?)status?["phase"] ?? "", age]
            : [name, age];
    }

    /// <summary>Upstream's printEvent: series, then lastTimestamp, then the first time; the object as <c>kind/name</c>.</summary>
    private IEnumerable<JsonNode?> EventCells(JsonObject obj, string name)
    {
        var first = Since(obj["firstTimestamp"]) ?? Since(obj["eventTime"]) ?? "<unknown>";
        var last = Since(obj["lastTimestamp"]) ?? first;
        var count = Count(obj["count"]);
        if (obj["series"] is JsonObject series)
        {
            last = Since(series["lastObservedTime"]) ?? last;
            count = Count(series["count"]);
        }
        else if (count == 0)
        {
            count = 1;
        }

        var involved = obj["involvedObject"];
        var kind = ((string?)involved?["kind"] ?? "").ToLowerInvariant();
        var target = (string?)involved?["name"] is { Length: > 0 } objectName ? $"{kind}/{objectName}" : kind;
        return [last, (string?)obj["type"] ?? "", (string?)obj["reason"] ?? "", target, (string?)involved?["fieldPath"] ?? "",
            EventSource(obj), ((string?)obj["message"] ?? "").Trim(), first, count, name];
    }

    /// <summary>Upstream's formatEventSource: the source component (else the reporting controller) and its host.</summary>
    private static string EventSource(JsonObject obj)
    {
        var component = (string?)obj["source"]?["component"] is { Length: > 0 } source ? source : (string?)obj["reportingComponent"] ?? "";
        var host = (string?)obj["source"]?["host"] is { Length: > 0 } sourceHost ? sourceHost : (string?)obj["reportingInstance"] ?? "";
        return host.Length > 0 ? $"{component}, {host}" : component;
    }

    private string? Since(JsonNode? timestamp) =>
        DateTimeOffset.TryParse((string?)timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? HumanDuration(time.GetUtcNow() - at)
            : null;

    private static JsonNode?[] WorkloadWideCells(JsonNode? spec)
    {
        var containers = (spec?["template"]?["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        return
        [
            string.Join(',', containers.Select(c => (string?)c["name"] ?? "")),
            string.Join(',', containers.Select(c => (string?)c["image"] ?? "")),
            Selector(spec?["selector"]),
        ];
    }

    private static int Count(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var count) ? count : 0;

    private static string NotApplicable(JsonNode? node) => node is null ? "N/A" : node.ToString();

    /// <summary>labels.FormatLabels: <c>k=v</c> pairs sorted by key, <c>&lt;none&gt;</c> when empty.</summary>
    private static string NodeSelector(JsonNode? node) =>
        node is JsonObject { Count: > 0 } selector
            ? string.Join(',', selector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))
            : None;

    private static string Selector(JsonNode? node)
    {
        if (node is not JsonObject selector)
        {
            return "";
        }

        try
        {
            return LabelSelector.FromModel(KubernetesJson.Deserialize<V1LabelSelector>(selector.ToJsonString())) is { IsEverything: false } parsed
                ? parsed.ToString()
                : "";
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return "<invalid>";
        }
    }

    private static JsonObject? RowObject(JsonObject obj, string? includeObject) => includeObject switch
    {
        "None" => null,
        "Object" => obj,
        _ => new JsonObject
        {
            ["kind"] = "PartialObjectMetadata",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = obj["metadata"]?.DeepClone(),
        },
    };

    private static string PodReady(JsonObject pod)
    {
        var total = (pod["spec"]?["containers"] as JsonArray)?.Count ?? 0;
        var ready = (pod["status"]?["containerStatuses"] as JsonArray)?.Count(s => (bool?)s?["ready"] == true) ?? 0;
        return $"{ready}/{total}";
    }

    private static string PodStatus(JsonObject pod)
    {
        var status = pod["status"];
        var reason = (string?)status?["reason"] ?? (string?)status?["phase"] ?? "";
        if (status?["conditions"] is JsonArray conditions
            && conditions.Any(c => (string?)c?["type"] == "PodScheduled" && (string?)c?["reason"] == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }

        if (status?["containerStatuses"] is JsonArray containers)
        {
            foreach (var container in containers.Reverse())
            {
                var state = container?["state"];
                if ((string?)state?["waiting"]?["reason"] is { Length: > 0 } waiting)
                {
                    reason = waiting;
                }
                else if (state?["terminated"] is JsonObject terminated)
                {
                    reason = (string?)terminated["reason"] ?? $"ExitCode:{(int?)terminated["exitCode"] ?? 0}";
                }
            }
        }

        return pod["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : reason;
    }

    private static string PodRestarts(JsonObject pod) =>
        ((pod["status"]?["containerStatuses"] as JsonArray)?.Sum(s => (int?)s?["restartCount"] ?? 0) ?? 0).ToString(CultureInfo.InvariantCulture);

    private static string ReadinessGates(JsonObject pod)
    {
        if (pod["spec"]?["readinessGates"] is not JsonArray { Count: > 0 } gates)
        {
            return None;
        }

        var conditions = pod["status"]?["conditions"] as JsonArray;
        var passing = gates.Count(g => conditions?.Any(c => (string?)c?["type"] == (string?)g?["conditionType"] && (string?)c?["status"] == "True") == true);
        return $"{passing}/{gates.Count}";
    }

    private static string NodeStatus(JsonObject node)
    {
        var ready = (node["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => (string?)c?["type"] == "Ready");
        var status = (string?)ready?["status"] switch
        {
            "True" => "Ready",
            "False" => "NotReady",
            _ => "Unknown",
        };
        return (bool?)node["spec"]?["unschedulable"] == true ? status + ",SchedulingDisabled" : status;
    }

    private static string NodeRoles(JsonObject node)
    {
        const string prefix = "node-role.kubernetes.io/";
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        if (node["metadata"]?["labels"] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
                {
                    roles.Add(key[prefix.Length..]);
                }
                else if (key == "kubernetes.io/role" && value is not null)
                {
                    roles.Add(value.ToString());
                }
            }
        }

        return roles.Count == 0 ? None : string.Join(',', roles);
    }

    private static string NodeAddress(JsonObject node, string addressType) =>
        (string?)(node["status"]?["addresses"] as JsonArray)?.FirstOrDefault(a => (string?)a?["type"] == addressType)?["address"] ?? None;

    private static string Text(JsonNode? node) => node is null || node.ToString().Length == 0 ? None : node.ToString();

    private static string Unknown(JsonNode? node) => node is null || node.ToString().Length == 0 ? "<unknown>" : node.ToString();

    private string Age(JsonObject obj) =>
        DateTimeOffset.TryParse((string?)obj["metadata"]?["creationTimestamp"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
            ? HumanDuration(time.GetUtcNow() - created)
            : "<unknown>";

    /// <summary>kubectl's rounding of ages: seconds below two minutes, then coarser units.</summary>
    internal static string HumanDuration(TimeSpan age)
    {
        var seconds = (long)age.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 120)
        {
            return $"{Math.Max(seconds, 0)}s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        var days = hours / 24;
        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h";
        }

        if (days < 365 * 2)
        {
            return $"{days}d";
        }

        return days < 365 * 8 && days % 365 != 0 ? $"{days / 365}y{days % 365}d" : $"{days / 365}y";
    }

    private sealed record Column(string Name, string Type, string Format, int Priority);
}
