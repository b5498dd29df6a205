using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// CustomResourceDefinitions as the apiextensions server keeps them. The sandbox serves a fixed set of types, so a
/// definition is Established only when it names one of them (<see cref="ResourceTypes.CustomResources"/>, created at
/// start-up as installing Cilium leaves them); any other is stored and says that its resources are not served.
/// </summary>
internal static class CustomResourceDefinitions
{
    /// <summary>The definition a cluster with <paramref name="type"/> installed holds.</summary>
    public static JsonObject For(ResourceType type)
    {
        var names = new JsonObject
        {
            ["kind"] = type.Kind,
            ["listKind"] = type.ListKind,
            ["plural"] = type.Plural,
            ["singular"] = type.Singular,
        };
        if (type.ShortNames.Count > 0)
        {
            names["shortNames"] = new JsonArray([.. type.ShortNames.Select(n => (JsonNode)n)]);
        }

        if (type.Categories.Count > 0)
        {
            names["categories"] = new JsonArray([.. type.Categories.Select(c => (JsonNode)c)]);
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = NameOf(type.Group, type.Plural) },
            ["spec"] = new JsonObject
            {
                ["group"] = type.Group,
                ["names"] = names,
                ["scope"] = type.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = type.Version,
                    ["served"] = true,
                    ["storage"] = true,
                    ["schema"] = new JsonObject
                    {
                        ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                    },
                }),
            },
        };
    }

    /// <summary>The type a definition named <paramref name="name"/> defines, when the sandbox serves it.</summary>
    public static ResourceType? Served(string name) =>
        ResourceTypes.CustomResources.FirstOrDefault(type => NameOf(type.Group, type.Plural) == name);

    /// <summary>
    /// The status the apiextensions controllers give a new definition: its names accepted, and Established when the
    /// sandbox serves what it defines. <paramref name="crd"/> has its name and creationTimestamp.
    /// </summary>
    public static JsonObject StatusOnCreate(JsonObject crd)
    {
        var now = (string?)crd["metadata"]?["creationTimestamp"];
        var names = crd["spec"]?["names"]?.DeepClone() as JsonObject ?? [];
        if (names["listKind"] is null && (string?)names["kind"] is { } kind)
        {
            names["listKind"] = kind + "List";
        }

        var established = Served((string?)crd["metadata"]?["name"] ?? "") is not null;
        var storedVersions = new JsonArray([.. (crd["spec"]?["versions"] as JsonArray ?? [])
            .Where(v => (bool?)v?["storage"] == true)
            .Select(v => (JsonNode?)(string?)v!["name"])]);
        return new JsonObject
        {
            ["acceptedNames"] = names,
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "True", "NoConflicts", "no conflicts found", now),
                established
                    ? Condition("Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now)
                    : Condition("Established", "False", "NotServed",
                        "the AdmissionGuard sandbox serves a fixed set of resource types: this definition is stored, its resources are not served", now)),
            ["storedVersions"] = storedVersions,
        };
    }

    /// <summary>What a definition must be named: <c>&lt;plural&gt;.&lt;group&gt;</c>.</summary>
    public static string NameOf(string group, string plural) => $"{plural}.{group}";

    private static JsonObject Condition(string type, string status, string reason, string message, string? now) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };
}
