using System.Text.Json.Nodes;
using k8s;

namespace AdmissionGuard.Sandbox.Store;

/// <summary>
/// One version of one object, immutable. The JSON is kept as UTF-8 bytes: lists and watches copy them to the
/// wire without serializing, and any number of readers and watchers share one instance safely. Labels and the
/// selectable fields are extracted once, at write time, so selectors never parse JSON.
/// </summary>
public sealed class StoredObject
{
    internal StoredObject(
        ResourceType type,
        string? objectNamespace,
        string name,
        string uid,
        long resourceVersion,
        IReadOnlyDictionary<string, string> labels,
        IReadOnlyDictionary<string, string> fields,
        byte[] json)
    {
        Type = type;
        Namespace = objectNamespace;
        Name = name;
        Uid = uid;
        ResourceVersion = resourceVersion;
        Labels = labels;
        Fields = fields;
        Json = json;
    }

    public ResourceType Type { get; }

    public string? Namespace { get; }

    public string Name { get; }

    public string Uid { get; }

    public long ResourceVersion { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>Values of the fields that field selectors may name (<c>metadata.name</c>, <c>spec.nodeName</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The object as UTF-8 JSON, resourceVersion included. Do not modify.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    public string Key => Type.KeyOf(Namespace, Name);

    /// <summary>A fresh, mutable copy as a JSON tree.</summary>
    public JsonObject ToJsonObject() => JsonNode.Parse(Json.Span)!.AsObject();

    /// <summary>A fresh, mutable copy as a model, e.g. <see cref="k8s.Models.V1Pod"/>.</summary>
    public T ToModel<T>()
    {
        using var stream = new MemoryStream(Json.ToArray(), writable: false);
        return KubernetesJson.Deserialize<T>(stream);
    }

    public override string ToString() => $"{Type.Plural}/{Key}@{ResourceVersion}";
}
