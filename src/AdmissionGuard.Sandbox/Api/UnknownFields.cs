using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// The fields a body carries that its kind's type does not have. kube-apiserver's decoding into the Go type drops
/// them, and names each by its path (<c>spec.template.spec.containers[0].imagee</c>) when fieldValidation asks for
/// it. The kind's KubernetesClient model stands for the Go type.
/// </summary>
internal static class UnknownFields
{
    /// <summary>Removes from <paramref name="obj"/> what <paramref name="model"/> has no field for; returns their paths.</summary>
    public static List<string> Prune(JsonObject obj, Type model, JsonSerializerOptions options)
    {
        var unknown = new List<string>();
        Prune(obj, options.GetTypeInfo(model), "", unknown, options);
        return unknown;
    }

    private static void Prune(JsonNode? node, JsonTypeInfo type, string path, List<string> unknown, JsonSerializerOptions options)
    {
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    var at = path.Length == 0 ? name : $"{path}.{name}";
                    if (type.Properties.FirstOrDefault(p => p.Name == name) is { } property)
                    {
                        Prune(value, options.GetTypeInfo(property.PropertyType), at, unknown, options);
                    }
                    else
                    {
                        unknown.Add(at);
                        obj.Remove(name);
                    }
                }

                break;
            case JsonTypeInfoKind.Enumerable when node is JsonArray array && type.ElementType is { } item:
                for (var i = 0; i < array.Count; i++)
                {
                    Prune(array[i], options.GetTypeInfo(item), $"{path}[{i}]", unknown, options);
                }

                break;
            case JsonTypeInfoKind.Dictionary when node is JsonObject map && type.ElementType is { } value:
                foreach (var (key, entry) in map)
                {
                    Prune(entry, options.GetTypeInfo(value), $"{path}.{key}", unknown, options);
                }

                break;
            default:
                // A scalar, or a type with a converter of its own (times, quantities, IntOrString, raw JSON): no fields.
                break;
        }
    }
}
