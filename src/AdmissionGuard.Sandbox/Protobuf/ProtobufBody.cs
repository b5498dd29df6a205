using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;

namespace AdmissionGuard.Sandbox.Protobuf;

/// <summary>
/// Decodes <c>application/vnd.kubernetes.protobuf</c> request bodies into the JSON the JSON path accepts, so the same
/// defaulting, admission and validation apply. The body is the 4-byte magic <c>k8s\0</c>, then a <c>runtime.Unknown</c>
/// (typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4) whose raw is the typed message.
/// </summary>
internal static class ProtobufBody
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <exception cref="FormatException">The body is not a well-formed protobuf envelope (answered as 400).</exception>
    /// <exception cref="ApiException">415 naming a kind or content encoding the sandbox does not decode.</exception>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw new FormatException("a protobuf body must start with the 4-byte prefix k8s\\0");
        }

        string apiVersion = "", kind = "", encoding = "";
        var raw = ReadOnlySpan<byte>.Empty;
        var envelope = new WireReader(body[Magic.Length..]);
        while (!envelope.AtEnd)
        {
            var (number, type) = envelope.ReadTag();
            switch (number)
            {
                case 1 when type == WireType.LengthDelimited:
                    (apiVersion, kind) = ReadStrings(envelope.ReadLengthDelimited());
                    break;
                case 2 when type == WireType.LengthDelimited:
                    raw = envelope.ReadLengthDelimited();
                    break;
                case 3 when type == WireType.LengthDelimited:
                    encoding = Encoding.UTF8.GetString(envelope.ReadLengthDelimited());
                    break;
                default:
                    envelope.Skip(type);
                    break;
            }
        }

        if (encoding.Length > 0)
        {
            throw new ApiException(ApiErrors.UnsupportedMediaType(MediaType, $"the sandbox does not decode protobuf bodies with contentEncoding \"{encoding}\""));
        }

        if (!ProtoSchema.Kinds.TryGetValue(kind, out var message))
        {
            throw new ApiException(ApiErrors.UnsupportedMediaType(MediaType,
                $"the sandbox does not decode protobuf bodies of kind \"{kind}\" (apiVersion \"{apiVersion}\"); send it as application/json"));
        }

        var obj = ReadMessage(raw, message);
        obj["apiVersion"] = apiVersion;
        obj["kind"] = kind;
        return obj;
    }

    /// <summary>Fields 1 and 2 of a message made of strings (TypeMeta: apiVersion, kind; Quantity: its text).</summary>
    private static (string First, string Second) ReadStrings(ReadOnlySpan<byte> data)
    {
        string first = "", second = "";
        var reader = new WireReader(data);
        while (!reader.AtEnd)
        {
            var (number, type) = reader.ReadTag();
            if (number is 1 or 2 && type == WireType.LengthDelimited)
            {
                var text = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                (first, second) = number == 1 ? (text, second) : (first, text);
            }
            else
            {
                reader.Skip(type);
            }
        }

        return (first, second);
    }

    private static JsonObject ReadMessage(ReadOnlySpan<byte> data, string message)
    {
        var fields = ProtoSchema.Messages[message];
        var obj = new JsonObject();
        var reader = new WireReader(data);
        while (!reader.AtEnd)
        {
            var (number, type) = reader.ReadTag();
            if (!fields.TryGetValue(number, out var field))
            {
                reader.Skip(type);
                continue;
            }

            if (field.MapValue is { } valueKind)
            {
                RequireLengthDelimited(field, type);
                var (key, value) = ReadMapEntry(reader.ReadLengthDelimited(), valueKind, field.Message);
                var map = obj[field.JsonName] as JsonObject ?? [];
                map[key] = value;
                obj[field.JsonName] = map;
            }
            else if (field.Kind is FieldKind.Int32 or FieldKind.Int64 or FieldKind.Bool && type == WireType.LengthDelimited && field.Repeated)
            {
                // A packed repeated scalar.
                var packed = new WireReader(reader.ReadLengthDelimited());
                while (!packed.AtEnd)
                {
                    Add(obj, field, Scalar(field.Kind, packed.ReadVarint()));
                }
            }
            else
            {
                var value = ReadValue(ref reader, field, type);
                if (field.Inline && value is JsonObject inline)
                {
                    foreach (var (name, node) in inline.ToList())
                    {
                        inline.Remove(name);
                        obj[name] = node;
                    }
                }
                else if (value is not null && (field.Repeated || field.KeepZero || field.Kind == FieldKind.Message || !IsZero(value)))
                {
                    Add(obj, field, value);
                }
            }
        }

        return obj;
    }

    private static JsonNode? ReadValue(ref WireReader reader, ProtoField field, WireType type)
    {
        if (field.Kind is FieldKind.Int32 or FieldKind.Int64 or FieldKind.Bool)
        {
            if (type != WireType.Varint)
            {
                throw new FormatException($"protobuf field {field.JsonName} ({field.Number}) must be a varint");
            }

            return Scalar(field.Kind, reader.ReadVarint());
        }

        RequireLengthDelimited(field, type);
        var bytes = reader.ReadLengthDelimited();
        return field.Kind switch
        {
            FieldKind.String => Encoding.UTF8.GetString(bytes),
            FieldKind.Bytes => Convert.ToBase64String(bytes),
            _ => MessageValue(bytes, field.Message!),
        };
    }

    private static (string Key, JsonNode? Value) ReadMapEntry(ReadOnlySpan<byte> data, FieldKind valueKind, string? valueMessage)
    {
        var key = "";
        JsonNode? value = valueKind switch
        {
            FieldKind.String => "",
            FieldKind.Bytes => "",
            _ => null,
        };
        var reader = new WireReader(data);
        while (!reader.AtEnd)
        {
            var (number, type) = reader.ReadTag();
            if (number is 1 or 2 && type == WireType.LengthDelimited)
            {
                var bytes = reader.ReadLengthDelimited();
                if (number == 1)
                {
                    key = Encoding.UTF8.GetString(bytes);
                }
                else
                {
                    value = valueKind switch
                    {
                        FieldKind.String => Encoding.UTF8.GetString(bytes),
                        FieldKind.Bytes => Convert.ToBase64String(bytes),
                        _ => MessageValue(bytes, valueMessage!),
                    };
                }
            }
            else
            {
                reader.Skip(type);
            }
        }

        return (key, value);
    }

    /// <summary>A nested message; Time, Quantity and IntOrString become the JSON scalars their Go types marshal to.</summary>
    private static JsonNode? MessageValue(ReadOnlySpan<byte> data, string message)
    {
        switch (message)
        {
            case ProtoSchema.Time:
                long seconds = 0;
                var time = new WireReader(data);
                while (!time.AtEnd)
                {
                    var (number, type) = time.ReadTag();
                    if (number == 1 && type == WireType.Varint)
                    {
                        seconds = (long)time.ReadVarint();
                    }
                    else
                    {
                        time.Skip(type);
                    }
                }

                return seconds == 0 ? null : Rfc3339.Format(DateTimeOffset.FromUnixTimeSeconds(seconds));
            case ProtoSchema.Quantity:
                return ReadStrings(data).First;
            case ProtoSchema.IntOrString:
                long kind = 0, intValue = 0;
                var text = "";
                var reader = new WireReader(data);
                while (!reader.AtEnd)
                {
                    var (number, type) = reader.ReadTag();
                    switch (number)
                    {
                        case 1 when type == WireType.Varint:
                            kind = (long)reader.ReadVarint();
                            break;
                        case 2 when type == WireType.Varint:
                            intValue = (int)reader.ReadVarint();
                            break;
                        case 3 when type == WireType.LengthDelimited:
                            text = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                            break;
                        default:
                            reader.Skip(type);
                            break;
                    }
                }

                return kind == 1 ? text : JsonValue.Create(intValue);
            default:
                return ReadMessage(data, message);
        }
    }

    private static JsonValue Scalar(FieldKind kind, ulong raw) => kind switch
    {
        FieldKind.Bool => JsonValue.Create(raw != 0),
        // int32 negatives are sign-extended to 64 bits on the wire.
        FieldKind.Int32 => JsonValue.Create((int)raw),
        _ => JsonValue.Create((long)raw),
    };

    private static bool IsZero(JsonNode value) => value.ToJsonString() is "\"\"" or "false" or "0";

    private static void Add(JsonObject obj, ProtoField field, JsonNode? value)
    {
        if (!field.Repeated)
        {
            obj[field.JsonName] = value;
            return;
        }

        var list = obj[field.JsonName] as JsonArray ?? [];
        list.Add(value);
        obj[field.JsonName] = list;
    }

    private static void RequireLengthDelimited(ProtoField field, WireType type)
    {
        if (type != WireType.LengthDelimited)
        {
            throw new FormatException($"protobuf field {field.JsonName} ({field.Number}) must be length-delimited");
        }
    }
}
