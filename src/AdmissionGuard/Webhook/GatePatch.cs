using System.Text.Json;
using AdmissionGuard.Core;

namespace AdmissionGuard.Webhook;

/// <summary>The JSON Patch that adds the scheduling gate to a pod as the apiserver will see it.</summary>
internal static class GatePatch
{
    /// <summary>
    /// Appends to an existing <c>spec.schedulingGates</c> array, or creates it (RFC 6902 "add" on a member
    /// that is absent or null sets it), so other webhooks' gates are kept.
    /// </summary>
    public static byte[] For(JsonElement pod)
    {
        var hasSpec = pod.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object;
        var hasGates = hasSpec && spec.TryGetProperty("schedulingGates", out var gates) && gates.ValueKind == JsonValueKind.Array;

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("op", "add");
            if (hasGates)
            {
                writer.WriteString("path", JsonPointer.Of("spec", "schedulingGates", "-"));
                writer.WritePropertyName("value");
                WriteGate(writer);
            }
            else if (hasSpec)
            {
                writer.WriteString("path", JsonPointer.Of("spec", "schedulingGates"));
                writer.WritePropertyName("value");
                WriteGates(writer);
            }
            else
            {
                writer.WriteString("path", JsonPointer.Of("spec"));
                writer.WritePropertyName("value");
                writer.WriteStartObject();
                writer.WritePropertyName("schedulingGates");
                WriteGates(writer);
                writer.WriteEndObject();
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
