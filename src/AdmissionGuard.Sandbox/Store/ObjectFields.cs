using System.Text.Json.Nodes;

namespace AdmissionGuard.Sandbox.Store;

/// <summary>What a stored object exposes to label and field selectors, read from its JSON once per write.</summary>
internal static class ObjectFields
{
    /// <summary>The pod fields kube-apiserver accepts in field selectors, with the JSON path each reads.</summary>
    private static readonly (string Field, string[] Path)[] PodFields =
    [
        ("spec.nodeName", ["spec", "nodeName"]),
        ("spec.restartPolicy", ["spec", "restartPolicy"]),
        ("spec.schedulerName", ["spec", "schedulerName"]),
        ("spec.serviceAccountName", ["spec", "serviceAccountName"]),
        ("spec.hostNetwork", ["spec", "hostNetwork"]),
        ("status.phase", ["status", "phase"]),
        ("status.podIP", ["status", "podIP"]),
        ("status.nominatedNodeName", ["status", "nominatedNodeName"]),
    ];

    /// <summary>The core/v1 Event fields kube-apiserver accepts (<c>pkg/registry/core/event/strategy.go</c>).</summary>
    private static readonly (string Field, string[] Path)[] EventFields =
    [
        ("involvedObject.kind", ["involvedObject", "kind"]),
        ("involvedObject.namespace", ["involvedObject", "namespace"]),
        ("involvedObject.name", ["involvedObject", "name"]),
        ("involvedObject.uid", ["involvedObject", "uid"]),
        ("involvedObject.apiVersion", ["involvedObject", "apiVersion"]),
        ("involvedObject.resourceVersion", ["involvedObject", "resourceVersion"]),
        ("involvedObject.fieldPath", ["involvedObject", "fieldPath"]),
        ("reason", ["reason"]),
        ("reportingComponent", ["reportingComponent"]),
        ("source", ["source", "component"]),
        ("type", ["type"]),
    ];

    public static IReadOnlyCollection<string> SupportedFields(ResourceType type) =>
        ["metadata.name", "metadata.namespace", .. TypeFields(type).Select(f => f.Field)];

    private static (string Field, string[] Path)[] TypeFields(ResourceType type) =>
        type == ResourceTypes.Pods ? PodFields : type == ResourceTypes.Events ? EventFields : [];

    public static Dictionary<string, string> Extract(ResourceType type, JsonObject obj, string? objectNamespace, string name)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata.name"] = name,
            ["metadata.namespace"] = objectNamespace ?? "",
        };
        foreach (var (field, path) in TypeFields(type))
        {
            fields[field] = Read(obj, path);
        }

        if (type == ResourceTypes.Pods && fields["spec.hostNetwork"].Length == 0)
        {
            fields["spec.hostNetwork"] = "false";
        }

        return fields;
    }

    public static Dictionary<string, string> Labels(JsonObject obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                labels[key] = value?.ToString() ?? "";
            }
        }

        return labels;
    }

    private static string Read(JsonObject obj, string[] path)
    {
        JsonNode? node = obj;
        foreach (var step in path)
        {
            node = node is JsonObject o ? o[step] : null;
        }

        return node switch
        {
            null => "",
            JsonValue v when v.TryGetValue(out bool b) => b ? "true" : "false",
            _ => node.ToString(),
        };
    }
}
