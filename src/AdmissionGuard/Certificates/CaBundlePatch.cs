using System.Text.Json.Nodes;

namespace AdmissionGuard.Certificates;

/// <summary>
/// The JSON patch that sets the caBundle of every webhook of a configuration that does not have it yet. Each
/// change is guarded by a <c>test</c> of the webhook's name at that index, so a configuration edited meanwhile
/// makes the API server refuse the patch (422) instead of writing into another webhook; nothing else is touched.
/// </summary>
internal static class CaBundlePatch
{
    /// <summary>The patch, or null when every webhook already has <paramref name="bundle"/>.</summary>
    public static string? For(IReadOnlyList<(string Name, byte[]? CaBundle)> webhooks, byte[] bundle)
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        ArgumentNullException.ThrowIfNull(bundle);
        var operations = new JsonArray();
        for (var i = 0; i < webhooks.Count; i++)
        {
            if (webhooks[i].CaBundle is { } current && current.AsSpan().SequenceEqual(bundle))
            {
                continue;
            }

            operations.Add(new JsonObject { ["op"] = "test", ["path"] = $"/webhooks/{i}/name", ["value"] = webhooks[i].Name });
            operations.Add(new JsonObject { ["op"] = "add", ["path"] = $"/webhooks/{i}/clientConfig/caBundle", ["value"] = Convert.ToBase64String(bundle) });
        }

        return operations.Count == 0 ? null : operations.ToJsonString();
    }
}
