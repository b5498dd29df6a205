using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Protobuf;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>Request bodies and options in (JSON, YAML-free JSON, protobuf, delete options), answers out (objects, Status).</summary>
internal sealed partial class ApiHandler
{
    private static ListOptions ListOptionsOf(IQueryCollection query) => new()
    {
        LabelSelector = query["labelSelector"],
        FieldSelector = query["fieldSelector"],
        Limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null,
        Continue = query["continue"],
    };

    private static PatchType PatchTypeOf(string? contentType, ResourceType type)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "application/json-patch+json" => PatchType.Json,
            "application/merge-patch+json" => PatchType.Merge,
            "application/strategic-merge-patch+json" when type.Group != "cilium.io" => PatchType.StrategicMerge,
            "application/apply-patch+yaml" => PatchType.Apply,
            _ => throw new ApiException(ApiErrors.UnsupportedMediaType(contentType ?? "")),
        };
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest request)
    {
        var mediaType = (request.ContentType ?? "application/json").Split(';')[0].Trim();
        JsonNode? node;
        if (mediaType is "application/yaml" or "application/x-yaml")
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            node = YamlJson.Parse(await reader.ReadToEndAsync(request.HttpContext.RequestAborted));
        }
        else if (mediaType is "application/json" or "")
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        else if (mediaType == ProtobufBody.MediaType)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            node = ProtobufBody.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        else
        {
            throw new ApiException(ApiErrors.UnsupportedMediaType(mediaType));
        }

        return node as JsonObject ?? throw new ApiException(ApiErrors.BadRequest("the request body must be a JSON object"));
    }

    /// <summary>deleteOptions from the body, gracePeriodSeconds also from the query (kubectl sends it in the body).</summary>
    private static async Task<(V1Preconditions? Preconditions, long? GracePeriodSeconds)> ReadDeleteOptionsAsync(HttpRequest request, RequestContext requestContext)
    {
        long? queryGrace = long.TryParse(request.Query["gracePeriodSeconds"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var fromQuery) ? fromQuery : null;
        if (request.ContentLength is 0 or null && request.Headers.TransferEncoding.Count == 0)
        {
            return (null, queryGrace);
        }

        var body = await ReadObjectAsync(request);
        if (body["dryRun"] is JsonArray dryRun && dryRun.Any(d => (string?)d == "All") && !requestContext.DryRun)
        {
            throw new ApiException(ApiErrors.BadRequest("pass dryRun=All as a query parameter"));
        }

        var preconditions = body["preconditions"] is JsonObject given
            ? new V1Preconditions { ResourceVersion = (string?)given["resourceVersion"], Uid = (string?)given["uid"] }
            : null;
        return (preconditions, body["gracePeriodSeconds"] is JsonValue grace && grace.TryGetValue<long>(out var seconds) ? seconds : queryGrace);
    }

    private static bool WantsTable(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("as=Table", StringComparison.Ordinal));

    private static ApiException NotServed(string message = "the server could not find the requested resource") =>
        new(new V1Status
        {
            ApiVersion = "v1",
            Kind = "Status",
            Status = "Failure",
            Code = 404,
            Reason = "NotFound",
            Message = message,
            Metadata = new V1ListMeta(),
        });

    /// <summary>
    /// A 404 that names the version served when the resource exists in another version of the group (kubectl autoscale
    /// asks for autoscaling/v1), and says why there are no access reviews (<c>kubectl auth can-i</c>): an answer of
    /// "yes", true of the sandbox, would pass for what a cluster's RBAC allows.
    /// </summary>
    private static ApiException NotServed(string group, string version, string[] rest) =>
        ResourceTypes.All.FirstOrDefault(r => r.Group == group && r.Version != version && rest.Contains(r.Plural)) is { } served
            ? NotServed($"the sandbox serves {served} only as {served.ApiVersion}, not {group}/{version}")
            : group == "authorization.k8s.io"
            ? NotServed("the sandbox does not authorize requests (RBAC objects are stored, not enforced), so it answers no access reviews: check RBAC on a cluster")
            : NotServed();

    private static void PrepareJson(HttpContext context, int code, RequestContext requestContext)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        foreach (var warning in requestContext.Warnings)
        {
            context.Response.Headers.Append("Warning", $"299 - \"{warning.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body, RequestContext requestContext)
    {
        PrepareJson(context, code, requestContext);
        await context.Response.BodyWriter.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body, Compact), context.RequestAborted);
    }

    private static async Task WriteStoredAsync(HttpContext context, int code, StoredObject stored, RequestContext requestContext)
    {
        PrepareJson(context, code, requestContext);
        await context.Response.BodyWriter.WriteAsync(stored.Json, context.RequestAborted);
    }

    private static async Task WriteStatusAsync(HttpContext context, V1Status status, RequestContext requestContext)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        await WriteJsonAsync(context, status.Code ?? 500, ApiErrors.ToJson(status), requestContext);
    }
}
