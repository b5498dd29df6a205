using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AdmissionGuard.Sandbox.Patching;

/// <summary>RFC 6902 JSON Patch (add, remove, replace, move, copy, test) on a JSON tree.</summary>
public static class JsonPatch
{
    /// <summary>Applies <paramref name="patch"/> (a JSON array of operations) to a copy of <paramref name="target"/>.</summary>
    /// <exception cref="PatchException">The patch is malformed or an operation cannot be applied.</exception>
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (patch is not JsonArray operations)
        {
            throw new PatchException("a JSON patch must be an array of operations");
        }

        JsonNode document = target.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op)
            {
                throw new PatchException("each JSON patch operation must be an object");
            }

            var kind = Text(op, "op");
            var path = Text(op, "path");
            switch (kind)
            {
                case "add":
                    document = Add(document, path, Value(op));
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    document = Add(document, path, Value(op));
                    break;
                case "move":
                    var moved = Find(document, Text(op, "from"));
                    Remove(document, Text(op, "from"));
                    document = Add(document, path, moved);
                    break;
                case "copy":
                    document = Add(document, path, Find(document, Text(op, "from"))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Find(document, path), Value(op)))
                    {
                        throw new PatchException($"test operation failed at \"{path}\"");
                    }

                    break;
                default:
                    throw new PatchException($"unknown JSON patch operation \"{kind}\"");
            }
        }

        return document as JsonObject ?? throw new PatchException("the patch must leave an object");
    }

    private static string Text(JsonObject op, string property) =>
        op[property] is JsonValue v && v.TryGetValue(out string? text)
            ? text
            : throw new PatchException($"JSON patch operation lacks \"{property}\"");

    private static JsonNode? Value(JsonObject op) =>
        op.ContainsKey("value") ? op["value"]?.DeepClone() : throw new PatchException("JSON patch operation lacks \"value\"");

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new PatchException($"invalid JSON pointer \"{pointer}\"");
        }

        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static JsonNode? Find(JsonNode document, string pointer)
    {
        JsonNode? node = document;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when Index(a, token, allowEnd: false) is var i => a[i],
                _ => throw new PatchException($"path \"{pointer}\" does not exist"),
            };
        }

        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode document, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            throw new PatchException("the root cannot be removed or replaced by this operation");
        }

        var parent = document;
        foreach (var token in tokens[..^1])
        {
            parent = parent switch
            {
                JsonObject o when o[token] is { } child => child,
                JsonArray a => a[Index(a, token, allowEnd: false)] ?? throw new PatchException($"the parent of \"{pointer}\" is null"),
                _ => throw new PatchException($"path \"{pointer}\" does not exist"),
            };
        }

        return (parent, tokens[^1]);
    }

    private static JsonNode Add(JsonNode document, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            return value ?? throw new PatchException("cannot replace the document with null");
        }

        var (parent, last) = Parent(document, path);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a:
                a.Insert(Index(a, last, allowEnd: true), value);
                break;
            default:
                throw new PatchException($"cannot add at \"{path}\": the parent is not an object or array");
        }

        return document;
    }

    private static void Remove(JsonNode document, string path)
    {
        var (parent, last) = Parent(document, path);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a:
                a.RemoveAt(Index(a, last, allowEnd: false));
                break;
            default:
                throw new PatchException($"path \"{path}\" does not exist");
        }
    }

    // As the apiserver's json-patch library: a negative index counts from the end (-1 is the last element).
    private static int Index(JsonArray array, string token, bool allowEnd)
    {
        if (!int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index)
            || (index < 0 && (index += array.Count) < 0)
            || index > array.Count || (!allowEnd && index == array.Count))
        {
            throw new PatchException($"array index \"{token}\" is out of range");
        }

        return index;
    }

    /// <summary>Parses patch text, turning syntax errors into <see cref="PatchException"/>.</summary>
    public static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new PatchException($"the patch is not valid JSON: {e.Message}");
        }
    }
}
