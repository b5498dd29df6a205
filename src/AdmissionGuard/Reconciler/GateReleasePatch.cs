using System.Text.Json.Nodes;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Reconciler;

/// <summary>
/// The JSON Patch that removes our gate. Its <c>test</c> ops make the API server refuse it when the pod was
/// replaced (uid) or its gates changed since the snapshot, so a concurrent change is never overwritten.
/// </summary>
internal static class GateReleasePatch
{
    public static string For(PodFacts pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var patch = new JsonArray(
            Op("test", "/metadata/uid", JsonValue.Create(pod.Uid)),
            Op("test", "/spec/schedulingGates", Gates(pod.SchedulingGates)),
            Op("replace", "/spec/schedulingGates", Gates(pod.SchedulingGates.Where(g => g != WellKnown.SchedulingGate))));
        return patch.ToJsonString();
    }

    private static JsonObject Op(string op, string path, JsonNode? value) =>
        new() { ["op"] = op, ["path"] = path, ["value"] = value };

    private static JsonArray Gates(IEnumerable<string> names) =>
        new(names.Select(name => (JsonNode)new JsonObject { ["name"] = name }).ToArray());
}
