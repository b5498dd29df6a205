using System.Text.Json;
using System.Text.Json.Serialization;
using AdmissionGuard.Json;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Cluster.Informers;

/// <summary>
/// A pod of a list or watch body, decoded straight into the fields the caches project (<see cref="DecodedObject"/>)
/// by the same reader as the webhook's pods: no <c>V1Pod</c> is built. <see cref="Metadata"/> holds only what the
/// informer itself reads (namespace, name, resourceVersion).
/// </summary>
[JsonConverter(typeof(DecodedPodConverter))]
internal sealed class DecodedPod : IKubernetesObject<V1ObjectMeta>
{
    public DecodedPod(DecodedObject fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = fields;
        Metadata = new V1ObjectMeta { NamespaceProperty = fields.Namespace, Name = fields.Name, ResourceVersion = fields.ResourceVersion };
    }

    public DecodedObject Fields { get; }

    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "Pod";

    public V1ObjectMeta Metadata { get; set; }
}

/// <summary>A page of pods: <c>PodList</c> with <see cref="DecodedPod"/> items.</summary>
internal sealed class DecodedPodList : IItems<DecodedPod>, IMetadata<V1ListMeta>
{
    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "PodList";

    public V1ListMeta Metadata { get; set; } = new();

    public IList<DecodedPod> Items { get; set; } = [];
}

/// <summary>
/// Reads a pod with <see cref="KubernetesJsonReader.ReadObject"/>. A field of the wrong type fails the body, as the
/// serializer fails any other malformed body: the API server never sends one.
/// </summary>
internal sealed class DecodedPodConverter : JsonConverter<DecodedPod>
{
    public override DecodedPod Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"a pod must be a JSON object, not {KubernetesJsonReader.Describe(reader.TokenType)}");
        }

        var json = new KubernetesJsonReader(reader);
        var fields = json.ReadObject();
        reader = json.Json;
        return json.TakeProblem() is { } problem
            ? throw new JsonException($"pod {fields.Namespace}/{fields.Name}: {problem}")
            : new DecodedPod(fields);
    }

    public override void Write(Utf8JsonWriter writer, DecodedPod value, JsonSerializerOptions options) =>
        throw new NotSupportedException("pods are only read");
}
