using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace AdmissionGuard.Webhook;

/// <summary>
/// The fields of an AdmissionReview request that dispatch reads, type-checked before anything looks at
/// them, so a crafted body gets a clear 400 instead of an exception.
/// </summary>
internal sealed record AdmissionRequest(
    string Uid,
    string Group,
    string Kind,
    string Operation,
    string SubResource,
    string Namespace,
    string Name,
    bool DryRun,
    JsonElement? Object)
{
    public bool IsPodCreate => Operation == "CREATE" && Group.Length == 0 && Kind == "Pod" && SubResource.Length == 0;

    public bool IsBindingCreate => Operation == "CREATE" && Group.Length == 0 && Kind == "Binding" && SubResource == "binding";

    public static bool TryParse(JsonElement review, [NotNullWhen(true)] out AdmissionRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        error = Check(review);
        if (error is not null)
        {
            return false;
        }

        var body = review.GetProperty("request");
        var kind = body.GetProperty("kind");
        var dryRun = body.TryGetProperty("dryRun", out var d) && d.ValueKind == JsonValueKind.True;
        request = new AdmissionRequest(
            body.GetProperty("uid").GetString()!,
            OptionalString(kind, "group"),
            OptionalString(kind, "kind"),
            OptionalString(body, "operation"),
            OptionalString(body, "subResource"),
            OptionalString(body, "namespace"),
            OptionalString(body, "name"),
            dryRun,
            body.TryGetProperty("object", out var o) && o.ValueKind == JsonValueKind.Object ? o : null);
        return true;
    }

    private static string? Check(JsonElement review)
    {
        if (review.ValueKind != JsonValueKind.Object)
        {
            return $"the body must be a JSON object (an AdmissionReview), not {Describe(review.ValueKind)}";
        }

        var apiVersion = StringOrNull(review, "apiVersion");
        if (apiVersion != AdmissionReview.ApiVersionV1)
        {
            return $"apiVersion must be {AdmissionReview.ApiVersionV1}, got {Quote(apiVersion)}";
        }

        var kind = StringOrNull(review, "kind");
        if (kind != AdmissionReview.KindName)
        {
            return $"kind must be {AdmissionReview.KindName}, got {Quote(kind)}";
        }

        if (!review.TryGetProperty("request", out var body) || body.ValueKind != JsonValueKind.Object)
        {
            return "request is missing or not an object";
        }

        if (string.IsNullOrEmpty(StringOrNull(body, "uid")))
        {
            return "request.uid is missing or empty";
        }

        if (!body.TryGetProperty("kind", out var requestKind) || requestKind.ValueKind != JsonValueKind.Object)
        {
            return "request.kind is missing or not an object";
        }

        foreach (var (element, field) in new[] { (requestKind, "kind.group"), (requestKind, "kind.kind"), (body, "operation"), (body, "subResource"), (body, "namespace"), (body, "name") })
        {
            var property = field[(field.LastIndexOf('.') + 1)..];
            if (element.TryGetProperty(property, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return $"request.{field} must be a string, not {Describe(value.ValueKind)}";
            }
        }

        return body.TryGetProperty("dryRun", out var dryRun) && dryRun.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null)
            ? $"request.dryRun must be a boolean, not {Describe(dryRun.ValueKind)}"
            : null;
    }

    private static string? StringOrNull(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string OptionalString(JsonElement element, string property) => StringOrNull(element, property) ?? "";

    private static string Quote(string? value) => value is null ? "nothing" : $"'{value}'";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
