using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Protobuf;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// Discovery documents in their plain (non-aggregated) JSON forms, which kubectl accepts when the server
/// does not answer the aggregated media type, and a minimal OpenAPI v3 that tells kubectl every kind
/// supports server-side field validation (so <c>kubectl create -f</c> validates without client-side schemas).
/// </summary>
internal static class Discovery
{
    public const string KubernetesVersion = "v1.32.0-sandbox";

    /// <summary>The kinds the OpenAPI documents describe: the stored ones, the create-only reviews and the read-only component statuses.</summary>
    private static readonly IReadOnlyList<ResourceType> Documented = [.. ResourceTypes.All, SelfSubjectReviews.Resource, ComponentStatuses.Resource];

    private static readonly IReadOnlyList<(string Group, string Version)> GroupVersions =
        [.. Documented.Select(r => (r.Group, r.Version)).Distinct()];

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = KubernetesVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2024-12-11T00:00:00Z",
        ["goVersion"] = "go1.23.4",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions() => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = "127.0.0.1" }),
    };

    /// <param name="serves">Whether a resource type is served (Cilium's slim mode serves no ciliumendpoints).</param>
    public static JsonObject Groups(Func<ResourceType, bool> serves)
    {
        var groups = new JsonArray();
        var served = ResourceTypes.All.Where(serves).Select(r => (r.Group, r.Version))
            .Append((SelfSubjectReviews.Resource.Group, SelfSubjectReviews.Resource.Version)).Distinct();
        foreach (var (group, version) in served.Where(gv => gv.Group.Length > 0))
        {
            var groupVersion = new JsonObject { ["groupVersion"] = $"{group}/{version}", ["version"] = version };
            groups.Add(new JsonObject
            {
                ["name"] = group,
                ["versions"] = new JsonArray(groupVersion),
                ["preferredVersion"] = groupVersion.DeepClone(),
            });
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    /// <summary>A resource's entry in its group/version's APIResourceList.</summary>
    private static JsonObject Entry(ResourceType type, IReadOnlyList<string> verbs)
    {
        var entry = new JsonObject
        {
            ["name"] = type.Plural,
            ["singularName"] = type.Singular,
            ["namespaced"] = type.Namespaced,
            ["kind"] = type.Kind,
            ["verbs"] = Strings(verbs),
        };
        if (type.ShortNames.Count > 0)
        {
            entry["shortNames"] = Strings(type.ShortNames);
        }

        if (type.Categories.Count > 0)
        {
            entry["categories"] = Strings(type.Categories);
        }

        return entry;
    }

    /// <summary>The APIResourceList of a group/version, or null when the sandbox does not serve it.</summary>
    public static JsonObject? Resources(string group, string version, Func<ResourceType, bool> serves)
    {
        var types = ResourceTypes.All.Where(r => r.Group == group && r.Version == version && serves(r)).ToList();
        var reviews = group == SelfSubjectReviews.Resource.Group && version == SelfSubjectReviews.Resource.Version;
        if (types.Count == 0 && !reviews)
        {
            return null;
        }

        var resources = new JsonArray();
        if (reviews)
        {
            resources.Add(Entry(SelfSubjectReviews.Resource, ["create"]));
        }

        foreach (var type in types)
        {
            resources.Add(Entry(type, ResourceType.Verbs));
            foreach (var subresource in type.Subresources)
            {
                resources.Add(Subresource(type, subresource));
            }
        }

        if (group.Length == 0)
        {
            // The resources that hold no objects: create-only bindings, read-only component statuses.
            resources.Add(Entry(LegacyBindings.Resource, ["create"]));
            resources.Add(Entry(ComponentStatuses.Resource, ComponentStatuses.Verbs));
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    /// <summary>
    /// kubectl caches each OpenAPI v3 document under its hash for good. The sandbox assembly's module version id
    /// (deterministic builds derive it from the compiled code) changes whenever the code that writes them may have.
    /// </summary>
    private static readonly string DocumentHash = typeof(Discovery).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    /// <summary>The OpenAPI v3 index: one document per group/version.</summary>
    public static JsonObject OpenApiIndex()
    {
        var paths = new JsonObject();
        foreach (var (group, version) in GroupVersions)
        {
            var path = OpenApiPath(group, version);
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={DocumentHash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>
    /// The OpenAPI v3 document of a group/version: a PATCH operation per kind that declares the <c>fieldValidation</c>
    /// parameter (what kubectl looks for to leave validation to the server) and the kinds' schemas for
    /// <c>kubectl explain</c> (<see cref="OpenApiSchemas"/>).
    /// </summary>
    public static JsonObject? OpenApiDocument(string path)
    {
        var (group, version) = GroupVersions.FirstOrDefault(gv => OpenApiPath(gv.Group, gv.Version) == path);
        if (version is null)
        {
            return null;
        }

        var paths = new JsonObject();
        var types = Documented.Where(r => r.Group == group && r.Version == version).ToList();
        foreach (var type in types)
        {
            var prefix = group.Length == 0 ? "/api/v1" : $"/apis/{group}/{version}";
            var url = type.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{type.Plural}/{{name}}" : $"{prefix}/{type.Plural}/{{name}}";
            paths[url] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{type.Kind}",
                    ["parameters"] = new JsonArray(
                        new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = type.Kind },
                },
            };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes (AdmissionGuard sandbox)", ["version"] = KubernetesVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = OpenApiSchemas.For(path, types) },
        };
    }

    /// <summary>
    /// /openapi/v2, without definitions. kubectl reads it to validate a kind that the OpenAPI v3 documents and the
    /// CustomResourceDefinitions do not know (one whose CRD is not installed); finding no schema there, it leaves the
    /// object to the server, whose discovery then says there is no such kind ("ensure CRDs are installed first"), as on
    /// a cluster. kubectl asks for the protobuf form (gnostic's openapi_v2.Document: swagger = 1, info = 2 with title
    /// = 1 and version = 2); other clients get JSON.
    /// </summary>
    public static (string ContentType, byte[] Body) OpenApiV2(bool protobuf)
    {
        const string Title = "Kubernetes (AdmissionGuard sandbox)";
        if (!protobuf)
        {
            var json = new JsonObject
            {
                ["swagger"] = "2.0",
                ["info"] = new JsonObject { ["title"] = Title, ["version"] = KubernetesVersion },
                ["paths"] = new JsonObject(),
            };
            return ("application/json", System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        }

        byte[] info = [.. WireWriter.String(1, Title), .. WireWriter.String(2, KubernetesVersion)];
        return ("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", [.. WireWriter.String(1, "2.0"), .. WireWriter.LengthDelimited(2, info)]);
    }

    private static string OpenApiPath(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    private static JsonObject Subresource(ResourceType type, string subresource)
    {
        var (kind, group, version, verbs) = subresource switch
        {
            "binding" => ("Binding", "", "v1", new[] { "create" }),
            "eviction" => ("Eviction", "policy", "v1", new[] { "create" }),
            "scale" => ("Scale", "autoscaling", "v1", new[] { "get", "patch", "update" }),
            "token" => ("TokenRequest", "authentication.k8s.io", "v1", new[] { "create" }),
            "log" => ("Pod", "", "v1", new[] { "get" }),
            "exec" => ("PodExecOptions", "", "v1", new[] { "create", "get" }),
            "attach" => ("PodAttachOptions", "", "v1", new[] { "create", "get" }),
            "portforward" => ("PodPortForwardOptions", "", "v1", new[] { "create", "get" }),
            _ => (type.Kind, type.Group, type.Version, new[] { "get", "patch", "update" }),
        };
        var entry = new JsonObject
        {
            ["name"] = $"{type.Plural}/{subresource}",
            ["singularName"] = "",
            ["namespaced"] = type.Namespaced,
            ["kind"] = kind,
            ["verbs"] = Strings(verbs),
        };
        if (group != type.Group || version != type.Version)
        {
            entry["group"] = group;
            entry["version"] = version;
        }

        return entry;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);
}
