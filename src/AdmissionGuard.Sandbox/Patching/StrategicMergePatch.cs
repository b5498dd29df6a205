using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace AdmissionGuard.Sandbox.Patching;

/// <summary>
/// Strategic merge patch for built-in kinds, limited to what kubectl and AdmissionGuard send: merge-patch
/// semantics, plus lists merged by their merge key where Kubernetes declares one (containers, schedulingGates,
/// conditions, ...), the <c>$patch: delete|replace|merge</c> directive on list items and maps,
/// <c>$deleteFromPrimitiveList/</c> and <c>$setElementOrder/</c> (order is not enforced). Lists without a merge
/// key (node taints, tolerations) are atomic and replaced, as in Kubernetes.
/// </summary>
public static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
    private const string SetElementOrder = "$setElementOrder/";
    private const string RetainKeys = "$retainKeys";

    /// <summary>Merge keys of the object lists declared <c>patchStrategy:"merge"</c> in the core and apps APIs.</summary>
    private static readonly FrozenDictionary<string, string> MergeKeys = new Dictionary<string, string>
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["volumes"] = "name",
        ["env"] = "name",
        ["imagePullSecrets"] = "name",
        ["schedulingGates"] = "name",
        ["readinessGates"] = "conditionType",
        ["volumeMounts"] = "mountPath",
        ["ports"] = "containerPort",
        ["conditions"] = "type",
        ["addresses"] = "type",
        ["ownerReferences"] = "uid",
        ["hostAliases"] = "ip",
    }.ToFrozenDictionary();

    /// <summary>Primitive lists merged as sets.</summary>
    private static readonly FrozenSet<string> MergedPrimitiveLists = new[] { "finalizers" }.ToFrozenSet();

    /// <exception cref="PatchException">The patch is not an object or uses an unknown directive.</exception>
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (patch is not JsonObject patchObject)
        {
            throw new PatchException("a strategic merge patch must be a JSON object");
        }

        var result = target.DeepClone().AsObject();
        MergeObject(result, patchObject);
        return result;
    }

    private static void MergeObject(JsonObject target, JsonObject patch)
    {
        if (DirectiveOf(patch) == "replace")
        {
            target.Clear();
            foreach (var (key, value) in patch.Where(p => p.Key != Directive))
            {
                target[key] = value?.DeepClone();
            }

            return;
        }

        foreach (var (key, value) in patch)
        {
            if (key is Directive or RetainKeys || key.StartsWith(SetElementOrder, StringComparison.Ordinal))
            {
                continue;
            }

            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var listName = key[DeleteFromPrimitiveList.Length..];
                if (target[listName] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(i, r))).ToList())
                    {
                        list.Remove(item);
                    }
                }

                continue;
            }

            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchChild)
            {
                if (DirectiveOf(patchChild) == "delete")
                {
                    target.Remove(key);
                }
                else if (target[key] is JsonObject targetChild)
                {
                    MergeObject(targetChild, patchChild);
                }
                else
                {
                    var created = new JsonObject();
                    MergeObject(created, patchChild);
                    target[key] = created;
                }
            }
            else if (value is JsonArray patchList)
            {
                target[key] = MergeList(key, target[key] as JsonArray, patchList);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    private static JsonArray MergeList(string name, JsonArray? current, JsonArray patch)
    {
        if (patch.Any(i => i is JsonObject o && DirectiveOf(o) == "replace"))
        {
            return new JsonArray([.. patch.Where(i => !(i is JsonObject o && DirectiveOf(o) == "replace")).Select(i => i?.DeepClone())]);
        }

        if (MergedPrimitiveLists.Contains(name))
        {
            var merged = current?.DeepClone().AsArray() ?? [];
            foreach (var item in patch.Where(i => !merged.Any(m => JsonNode.DeepEquals(m, i))))
            {
                merged.Add(item?.DeepClone());
            }

            return merged;
        }

        if (!MergeKeys.TryGetValue(name, out var mergeKey))
        {
            return new JsonArray([.. patch.Select(i => i?.DeepClone())]);
        }

        var result = current?.DeepClone().AsArray() ?? [];
        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem || patchItem[mergeKey] is not { } keyValue)
            {
                throw new PatchException($"items of \"{name}\" must be objects with the merge key \"{mergeKey}\"");
            }

            var existing = result.OfType<JsonObject>().FirstOrDefault(r => JsonNode.DeepEquals(r[mergeKey], keyValue));
            if (DirectiveOf(patchItem) == "delete")
            {
                if (existing is not null)
                {
                    result.Remove(existing);
                }
            }
            else if (existing is not null)
            {
                MergeObject(existing, patchItem);
            }
            else
            {
                var created = new JsonObject();
                MergeObject(created, patchItem);
                result.Add(created);
            }
        }

        return result;
    }

    private static string? DirectiveOf(JsonObject node)
    {
        if (node[Directive] is not JsonValue value)
        {
            return null;
        }

        var directive = value.ToString();
        return directive is "delete" or "replace" or "merge"
            ? directive
            : throw new PatchException($"unknown patch directive \"{directive}\"");
    }
}
