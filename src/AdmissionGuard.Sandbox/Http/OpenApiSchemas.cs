using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Xml;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// The <c>components.schemas</c> of the OpenAPI v3 documents, which <c>kubectl explain</c> reads: each served kind's
/// model class (KubernetesClient's, generated from kube-apiserver's own OpenAPI) walked by its JSON property names,
/// with the descriptions of KubernetesClient's XML documentation (copied beside the sandbox's assembly at build).
/// They carry no patch strategies or list types, and the documents' PATCH operations declare no request body, so
/// <c>kubectl apply</c> keeps building its strategic merge patches from the types compiled into it, as before.
/// </summary>
internal static partial class OpenApiSchemas
{
    private const string Reference = "#/components/schemas/";

    // Named as upstream's last segment (what explain prints as the field's type): "io.k8s.v1.PodSpec" shows as PodSpec.
    private const string QuantityName = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private const string IntOrStringName = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

    private static readonly Lazy<FrozenDictionary<string, string>> Summaries = new(ReadSummaries);
    private static readonly ConcurrentDictionary<string, JsonObject> Documents = new(StringComparer.Ordinal);

    /// <summary>The schemas of <paramref name="types"/> (one group/version) and of every type they refer to; built once.</summary>
    public static JsonObject For(string groupVersion, IEnumerable<ResourceType> types) =>
        Documents.GetOrAdd(groupVersion, _ => Build(types)).DeepClone().AsObject();

    private static JsonObject Build(IEnumerable<ResourceType> types)
    {
        var schemas = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            var schema = schemas[Add(type.ModelType, schemas)];
            schema["x-kubernetes-group-version-kind"] = new JsonArray(
                new JsonObject { ["group"] = type.Group, ["kind"] = type.Kind, ["version"] = type.Version });
        }

        var result = new JsonObject();
        foreach (var (name, schema) in schemas)
        {
            result[name] = schema;
        }

        return result;
    }

    private static string Add(Type model, SortedDictionary<string, JsonObject> schemas)
    {
        var name = NameOf(model);
        if (schemas.ContainsKey(name))
        {
            return name;
        }

        var properties = new JsonObject();
        var schema = new JsonObject();
        Describe(schema, $"T:{model.FullName}");
        schema["type"] = "object";
        schema["properties"] = properties;

        // Registered before its properties are walked: schemas refer to themselves (JSONSchemaProps).
        schemas[name] = schema;
        foreach (var property in model.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            if (property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name is not { } json)
            {
                continue;
            }

            var field = Field(property.PropertyType, schemas);
            Describe(field, $"P:{property.DeclaringType!.FullName}.{property.Name}");
            properties[json] = field;
        }

        return name;
    }

    private static JsonObject Field(Type type, SortedDictionary<string, JsonObject> schemas)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = type == typeof(int) ? "int32" : "int64" };
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return new JsonObject { ["type"] = "number", ["format"] = "double" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(byte[]))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "byte" };
        }

        if (type == typeof(ResourceQuantity))
        {
            schemas.TryAdd(QuantityName, new JsonObject
            {
                ["description"] = "Quantity is a fixed-point representation of a number, such as 100m or 2Gi.",
                ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "number" }),
            });
            return RefTo(QuantityName);
        }

        if (type == typeof(IntOrString))
        {
            schemas.TryAdd(IntOrStringName, new JsonObject
            {
                ["description"] = "IntOrString is a type that can hold an int32 or a string.",
                ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
                ["x-kubernetes-int-or-string"] = true,
            });
            return RefTo(IntOrStringName);
        }

        if (GenericArgument(type, typeof(IDictionary<,>), 1) is { } value)
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Field(value, schemas) };
        }

        if (GenericArgument(type, typeof(IEnumerable<>), 0) is { } item)
        {
            return new JsonObject { ["type"] = "array", ["items"] = Field(item, schemas) };
        }

        if (type == typeof(object) || type.IsPrimitive || !type.IsClass)
        {
            // Free-form JSON (RawExtension, JSON): any value is kept.
            return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        }

        return RefTo(Add(type, schemas));
    }

    // Upstream wraps references so that the field's own description can sit beside them.
    private static JsonObject RefTo(string name) =>
        new() { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = Reference + name }) };

    private static Type? GenericArgument(Type type, Type definition, int index)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == definition)
        {
            return type.GetGenericArguments()[index];
        }

        return type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition)?.GetGenericArguments()[index];
    }

    /// <summary>
    /// A unique schema name whose last segment is upstream's type name: KubernetesClient prefixes the version
    /// (<c>V1PodSpec</c>) and, where two groups share a name, the group (<c>Rbacv1Subject</c>).
    /// </summary>
    private static string NameOf(Type model)
    {
        if (model.Namespace != typeof(V1Pod).Namespace)
        {
            return $"io.k8s.sandbox.{model.Name}";
        }

        var match = VersionPrefix().Match(model.Name);
        return match.Success
            ? $"io.k8s.{(match.Groups["group"].Value is { Length: > 0 } group ? group.ToLowerInvariant() + "." : "")}{match.Groups["version"].Value.ToLowerInvariant()}.{match.Groups["name"].Value}"
            : $"io.k8s.{model.Name}";
    }

    private static void Describe(JsonObject schema, string member)
    {
        if (Summaries.Value.TryGetValue(member, out var summary))
        {
            schema["description"] = summary;
        }
    }

    /// <summary>The summaries of KubernetesClient's models: kube-apiserver's descriptions, wrapped at 80 columns.</summary>
    private static FrozenDictionary<string, string> ReadSummaries()
    {
        var path = Path.ChangeExtension(typeof(V1Pod).Assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            return FrozenDictionary<string, string>.Empty;
        }

        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true });
        while (reader.ReadToFollowing("member"))
        {
            var name = reader.GetAttribute("name");
            if (name is null || !(name.StartsWith("T:k8s.Models.V", StringComparison.Ordinal) || name.StartsWith("P:k8s.Models.", StringComparison.Ordinal)))
            {
                continue;
            }

            using var member = reader.ReadSubtree();
            if (member.ReadToDescendant("summary"))
            {
                summaries[name] = Whitespace().Replace(member.ReadElementContentAsString(), " ").Trim();
            }
        }

        return summaries.ToFrozenDictionary(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^(?<group>[A-Z][a-z]+)?(?<version>[vV]\d+(?:alpha\d+|beta\d+)?)(?<name>[A-Z]\w*)$")]
    private static partial Regex VersionPrefix();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
