using System.Globalization;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Patching;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>Reads a YAML document (apply patches) as a JSON tree, typing plain scalars as YAML 1.2 core does.</summary>
internal static class YamlJson
{
    /// <exception cref="PatchException">The text is not valid YAML.</exception>
    public static JsonNode? Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new PatchException($"the patch is not valid YAML: {e.Message}");
        }

        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", Convert(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "null" or "~" or "" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => JsonValue.Create(real),
            _ => JsonValue.Create(value),
        };
    }
}
