using System.Text;
using System.Text.Json;
using AdmissionGuard.Core;
using AdmissionGuard.Json;

namespace AdmissionGuard.Webhook;

/// <summary>The JSON Patch that adds the scheduling gate to a pod as the apiserver will see it.</summary>
internal static class GatePatch
{
    /// <summary>What the pod holds where the gate goes.</summary>
    public enum Shape
    {
        /// <summary>No <c>spec</c> object: add one holding the gate list.</summary>
        NoSpec,

        /// <summary>A <c>spec</c> without a gate list (absent or null): RFC 6902 "add" on such a member sets it.</summary>
        Spec,

        /// <summary>A gate list: append, so that other webhooks' gates are kept.</summary>
        GateList,
    }

    // Three shapes, three constant patches, each built once as the JSON string that carries it in a response (base64 in
    // quotes): never per request.
    private static readonly byte[] ToNewSpec = JsonString(Build(Shape.NoSpec));
    private static readonly byte[] ToSpec = JsonString(Build(Shape.Spec));
    private static readonly byte[] ToGateList = JsonString(Build(Shape.GateList));

    /// <summary>Where the patch that adds the gate to <paramref name="pod"/> has to add it.</summary>
    public static Shape ShapeOf(DecodedObject pod) =>
        pod.SchedulingGates is not null ? Shape.GateList : pod.HasSpec ? Shape.Spec : Shape.NoSpec;

    /// <summary>The patch for <paramref name="shape"/> as a JSON string value, as an AdmissionReview response carries it.</summary>
    public static ReadOnlySpan<byte> JsonStringFor(Shape shape) => shape switch
    {
        Shape.GateList => ToGateList,
        Shape.Spec => ToSpec,
        _ => ToNewSpec,
    };

    private static byte[] JsonString(byte[] patch) => Encoding.ASCII.GetBytes($"\"{Convert.ToBase64String(patch)}\"");

    private static byte[] Build(Shape shape)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("op", "add");
            switch (shape)
            {
                case Shape.GateList:
                    writer.WriteString("path", JsonPointer.Of("spec", "schedulingGates", "-"));
                    writer.WritePropertyName("value");
                    WriteGate(writer);
                    break;
                case Shape.Spec:
                    writer.WriteString("path", JsonPointer.Of("spec", "schedulingGates"));
                    writer.WritePropertyName("value");
                    WriteGates(writer);
                    break;
                default:
                    writer.WriteString("path", JsonPointer.Of("spec"));
                    writer.WritePropertyName("value");
                    writer.WriteStartObject();
                    writer.WritePropertyName("schedulingGates");
                    WriteGates(writer);
                    writer.WriteEndObject();
                    break;
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        return stream.ToArray();
    }

    private static void WriteGates(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        WriteGate(writer);
        writer.WriteEndArray();
    }

    private static void WriteGate(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("name", WellKnown.SchedulingGate);
        writer.WriteEndObject();
    }
}
