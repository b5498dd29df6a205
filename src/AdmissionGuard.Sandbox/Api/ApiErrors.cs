using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>The <see cref="V1Status"/> failures kube-apiserver returns, with its wording.</summary>
public static class ApiErrors
{
    public static V1Status NotFound(ResourceType type, string name) =>
        Failure(404, "NotFound", $"{Qualified(type)} \"{name}\" not found", Details(type, name));

    public static V1Status AlreadyExists(ResourceType type, string name) =>
        Failure(409, "AlreadyExists", $"{Qualified(type)} \"{name}\" already exists", Details(type, name));

    public static V1Status Conflict(ResourceType type, string name, string why) =>
        Failure(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(type)} \"{name}\": {why}", Details(type, name));

    public static V1Status StaleResourceVersion(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static V1Status Invalid(ResourceType type, string name, IReadOnlyList<V1StatusCause> causes)
    {
        var details = Details(type, name);
        details.Kind = type.Kind;
        details.Causes = [.. causes];
        var summary = string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}"));
        return Failure(422, "Invalid", $"{type.Kind} \"{name}\" is invalid: {summary}", details);
    }

    public static V1StatusCause Cause(string field, string message, string reason = "FieldValueInvalid") =>
        new() { Field = field, Message = message, Reason = reason };

    /// <summary>apimachinery's <c>field.Invalid</c>: <c>Invalid value: "value": detail</c>.</summary>
    public static V1StatusCause InvalidValue(string field, string value, string detail) =>
        Cause(field, $"Invalid value: \"{value}\": {detail}");

    /// <summary>apimachinery's <c>field.NotSupported</c>: <c>Unsupported value: "Foo": supported values: "A", "B"</c>.</summary>
    public static V1StatusCause NotSupported(string field, string value, IEnumerable<string> supported) =>
        Cause(field, $"Unsupported value: \"{value}\": supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}", "FieldValueNotSupported");

    /// <summary>apimachinery's <c>field.Required</c>.</summary>
    public static V1StatusCause Required(string field) => Cause(field, "Required value", "FieldValueRequired");

    public static V1Status BadRequest(string message) => Failure(400, "BadRequest", message);

    public static V1Status Forbidden(string message) => Failure(403, "Forbidden", message);

    public static V1Status MethodNotAllowed(string message) => Failure(405, "MethodNotAllowed", message);

    public static V1Status Expired(string message) => Failure(410, "Expired", message);

    public static V1Status UnsupportedMediaType(string contentType) =>
        Failure(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got \"{contentType}\")");

    /// <summary>415 for a media type the sandbox reads only in part; <paramref name="why"/> names what it cannot read.</summary>
    public static V1Status UnsupportedMediaType(string contentType, string why) =>
        Failure(415, "UnsupportedMediaType", $"{why} (got \"{contentType}\")");

    public static V1Status TooManyRequests(string message, string? causeReason = null, int? retryAfterSeconds = null, string? causeMessage = null)
    {
        var details = new V1StatusDetails { RetryAfterSeconds = retryAfterSeconds };
        if (causeReason is not null)
        {
            details.Causes = [new V1StatusCause { Reason = causeReason, Message = causeMessage ?? message }];
        }

        return Failure(429, "TooManyRequests", message, details);
    }

    public static V1Status Internal(string message) => Failure(500, "InternalError", message);

    public static V1Status Unavailable(string message) => Failure(503, "ServiceUnavailable", message);

    public static V1Status Timeout(string message) => Failure(504, "Timeout", message);

    public static V1Status Success(ResourceType type, string name, int code = 200) =>
        new() { ApiVersion = "v1", Kind = "Status", Status = "Success", Code = code, Details = Details(type, name), Metadata = new V1ListMeta() };

    /// <summary>
    /// The Status as JSON. KubernetesClient's <see cref="V1Status"/> converter only reads (writing throws), so
    /// the server renders it here.
    /// </summary>
    public static JsonObject ToJson(V1Status status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var json = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = status.Metadata?.ContinueProperty is { } next ? new JsonObject { ["continue"] = next } : new JsonObject(),
            ["status"] = status.Status,
        };
        Add(json, "message", status.Message);
        Add(json, "reason", status.Reason);
        if (status.Details is { } details)
        {
            var detailsJson = new JsonObject();
            Add(detailsJson, "name", details.Name);
            Add(detailsJson, "group", details.Group);
            Add(detailsJson, "kind", details.Kind);
            Add(detailsJson, "uid", details.Uid);
            if (details.Causes is { Count: > 0 } causes)
            {
                detailsJson["causes"] = new JsonArray([.. causes.Select(c =>
                {
                    var cause = new JsonObject();
                    Add(cause, "reason", c.Reason);
                    Add(cause, "message", c.Message);
                    Add(cause, "field", c.Field);
                    return (JsonNode)cause;
                })]);
            }

            if (details.RetryAfterSeconds is { } retry)
            {
                detailsJson["retryAfterSeconds"] = retry;
            }

            json["details"] = detailsJson;
        }

        json["code"] = status.Code;
        return json;

        static void Add(JsonObject target, string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                target[key] = value;
            }
        }
    }

    private static V1Status Failure(int code, string reason, string message, V1StatusDetails? details = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Status",
        Status = "Failure",
        Code = code,
        Reason = reason,
        Message = message,
        Details = details,
        Metadata = new V1ListMeta(),
    };

    private static V1StatusDetails Details(ResourceType type, string name) =>
        new() { Name = name, Group = type.Group.Length == 0 ? null : type.Group, Kind = type.Plural };

    private static string Qualified(ResourceType type) => type.ToString();
}
