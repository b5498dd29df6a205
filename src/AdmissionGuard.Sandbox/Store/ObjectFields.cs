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

    public static IReadOnlyCollection<string> SupportedFields(ResourceType type) =>
        type == ResourceTypes.Pods
            ? ["metadata.name", "metadata.namespace", .. PodFields.Select(f => f.Field)]
            : ["metadata.name", "metadata.namespace"];

    public static Dictionary<string, string> Extract(ResourceType type, JsonObject obj, string? objectNamespace, string name)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata.name"] = name,
            ["metadata.namespace"] = objectNamespace ?? "",
        };
        if (type == ResourceTypes.Pods)
        {
            foreach (var (field, path) in PodFields)
            {
                fields[field] = Read(obj, path);
            }

            if (fields["spec.hostNetwork"].Length == 0)
            {
                fields["spec.hostNetwork"] = "false";
            }
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
