using System.Text.Json.Nodes;

namespace AdmissionGuard.Sandbox.Patching;

/// <summary>RFC 7386 JSON Merge Patch: objects merge, null removes, everything else (lists too) replaces.</summary>
public static class MergePatch
{
    /// <exception cref="PatchException">The patch is not a JSON object.</exception>
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (patch is not JsonObject patchObject)
        {
            throw new PatchException("a merge patch must be a JSON object");
        }

        var result = target.DeepClone().AsObject();
        Merge(result, patchObject);
        return result;
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchChild && target[key] is JsonObject targetChild)
            {
                Merge(targetChild, patchChild);
            }
            else if (value is JsonObject newChild)
            {
                var created = new JsonObject();
                Merge(created, newChild);
                target[key] = created;
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
