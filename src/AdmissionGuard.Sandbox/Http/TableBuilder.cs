using System.Globalization;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// meta.k8s.io/v1 Table responses, the server-side printing kubectl asks for. Pods and nodes get the columns of
/// kube-apiserver's printers (priority 1 = shown with <c>-o wide</c>); namespaces add STATUS; others NAME and AGE.
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

        return type == ResourceTypes.Namespaces
            ? [name, (string?)obj["status"]?["phase"] ?? "", age]
            : [name, age];
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
