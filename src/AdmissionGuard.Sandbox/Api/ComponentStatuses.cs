using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// core/v1 <c>componentstatuses</c> (<c>kubectl get cs</c>): read-only, deprecated since 1.19 (every answer carries the
/// warning), computed by kube-apiserver from probes of its scheduler, controller manager and etcd on each read and
/// stored nowhere. The sandbox's are always healthy: its scheduler, controllers and store run in its own process.
/// </summary>
public static class ComponentStatuses
{
    public const string Deprecation = "v1 ComponentStatus is deprecated in v1.19+";

    private const string Plural = "componentstatuses";

    private static readonly string[] Components = ["controller-manager", "etcd-0", "scheduler"];

    /// <summary>The resource, for the Table printer (not in <see cref="ResourceTypes.All"/>: it holds no objects).</summary>
    public static ResourceType Resource { get; } =
        new("", "v1", "ComponentStatus", Plural, "componentstatus", false, ["cs"], [], [], typeof(V1ComponentStatus));

    /// <summary>What discovery says it supports: get and list only.</summary>
    public static IReadOnlyList<string> Verbs { get; } = ["get", "list"];

    /// <summary>Whether a request path below <c>/api/v1</c> is the collection or one of its items.</summary>
    public static bool IsTarget(string group, string version, string[] rest) =>
        group.Length == 0 && version == "v1" && rest is [Plural] or [Plural, _];

    /// <summary>Every component's status, in name order.</summary>
    public static IEnumerable<JsonObject> List() => Components.Select(Status);

    /// <exception cref="ApiException">
    /// 500 for a component kube-apiserver does not probe: its storage returns a plain error there, which the apiserver
    /// answers as an internal error.
    /// </exception>
    public static JsonObject Get(string name) =>
        Components.Contains(name) ? Status(name) : throw new ApiException(ApiErrors.Internal($"Internal error occurred: Component not found: {name}"));

    // No creationTimestamp: the object is made for the answer, and Go writes the zero time as null.
    private static JsonObject Status(string name) => new()
    {
        ["kind"] = Resource.Kind,
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject { ["name"] = name, ["creationTimestamp"] = null },
        ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Healthy", ["status"] = "True", ["message"] = "ok" }),
    };
}
