using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// The <c>scale</c> subresource of Deployments, ReplicaSets and StatefulSets (what <c>kubectl scale</c> and autoscalers use): an
/// autoscaling/v1 Scale read from the object, and writes that change only <c>spec.replicas</c>.
/// </summary>
public static class ScaleSubresource
{
    /// <summary>The Scale of a stored Deployment, ReplicaSet or StatefulSet.</summary>
    public static JsonObject Of(StoredObject stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return Of(stored.ToJsonObject());
    }

    /// <summary>The Scale of a Deployment, ReplicaSet or StatefulSet: what admission sees of a write to <c>scale</c>.</summary>
    public static JsonObject Of(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var metadata = obj["metadata"]!.AsObject();
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = metadata["name"]?.DeepClone(),
                ["namespace"] = metadata["namespace"]?.DeepClone(),
                ["uid"] = metadata["uid"]?.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = (int?)obj["spec"]?["replicas"] ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = (int?)obj["status"]?["replicas"] ?? 0,
                ["selector"] = SelectorText(obj["spec"]?["selector"]),
            },
        };
    }

    /// <summary>
    /// Writes the replicas of the Scale that <paramref name="change"/> makes of the current one (a PUT's body, or a
    /// patch applied). A resourceVersion in the new Scale must match the object's (409 otherwise).
    /// </summary>
    /// <returns>The new Scale.</returns>
    public static async Task<JsonObject> UpdateAsync(
        ClusterApi api, ResourceType type, string objectNamespace, string name, Func<JsonObject, JsonObject> change, RequestContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(change);
        var current = api.Get(type, objectNamespace, name);
        var scale = change(Of(current));
        if (scale["spec"]?["replicas"] is not JsonValue replicas || !replicas.TryGetValue<int>(out var count) || count < 0)
        {
            throw new ApiException(ApiErrors.Invalid(type, name, [ApiErrors.Cause("spec.replicas", "Invalid value: must be greater than or equal to 0")]));
        }

        var obj = current.ToJsonObject();
        var pinned = (string?)scale["metadata"]?["resourceVersion"];
        obj["metadata"]!["resourceVersion"] = string.IsNullOrEmpty(pinned) ? current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) : pinned;
        obj["spec"]!["replicas"] = count;
        return Of(await api.UpdateAsync(type, objectNamespace, name, obj, "scale", context, cancellationToken));
    }

    /// <summary>A label selector in its string form, as Scale's status.selector carries it.</summary>
    private static string SelectorText(JsonNode? selector)
    {
        var terms = new List<string>();
        foreach (var (key, value) in selector?["matchLabels"] as JsonObject ?? [])
        {
            terms.Add($"{key}={(string?)value}");
        }

        foreach (var expression in (selector?["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = (string?)expression["key"];
            var values = string.Join(",", (expression["values"] as JsonArray ?? []).Select(v => (string?)v));
            terms.Add((string?)expression["operator"] switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key!,
                _ => $"!{key}",
            });
        }

        return string.Join(",", terms);
    }
}
