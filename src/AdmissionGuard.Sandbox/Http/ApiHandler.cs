using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Faults;
using AdmissionGuard.Sandbox.Patching;
using AdmissionGuard.Sandbox.Protobuf;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// The REST surface: translates kube-apiserver URLs, verbs and media types onto <see cref="ClusterApi"/> and
/// writes the answers (objects, lists, Tables, watch streams, Status errors, Warning headers).
/// </summary>
internal sealed class ApiHandler(ClusterApi api, FaultInjection faults, SandboxOptions options, ApiRequestLog requests, ILogger logger)
{
    private const int FlushThreshold = 64 * 1024;
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly TableBuilder _tables = new(api.Time);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var requestContext = new RequestContext { DryRun = request.Query["dryRun"] == "All" };
        try
        {
            if (faults.Latency > TimeSpan.Zero && faults.Hits(UserOf(request)))
            {
                await Task.Delay(faults.Latency, context.RequestAborted);
            }

            await DispatchAsync(context, requestContext);
        }
        catch (ApiException e)
        {
            await WriteStatusAsync(context, e.Status, requestContext);
        }
        catch (Exception e) when (e is JsonException or PatchException or InvalidOperationException or FormatException)
        {
            await WriteStatusAsync(context, ApiErrors.BadRequest($"the request could not be decoded: {e.Message}"), requestContext);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            SandboxLog.RequestFailed(logger, request.Method, request.Path, e);
            await WriteStatusAsync(context, ApiErrors.Internal(e.Message), requestContext);
        }
    }

    private async Task DispatchAsync(HttpContext context, RequestContext requestContext)
    {
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case []:
                await WriteJsonAsync(context, 200, new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/openapi/v3", "/version", "/healthz") }, requestContext);
                return;
            case ["version"]:
                await WriteJsonAsync(context, 200, Discovery.Version(), requestContext);
                return;
            case ["healthz" or "livez" or "readyz", ..]:
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok", context.RequestAborted);
                return;
            case ["api"]:
                await WriteJsonAsync(context, 200, Discovery.CoreVersions(), requestContext);
                return;
            case ["apis"]:
                await WriteJsonAsync(context, 200, Discovery.Groups(options.Serves), requestContext);
                return;
            case ["openapi", "v3"]:
                await WriteJsonAsync(context, 200, Discovery.OpenApiIndex(), requestContext);
                return;
            case ["openapi", "v3", .. var document]:
                await WriteJsonAsync(context, 200, Discovery.OpenApiDocument(string.Join('/', document)) ?? throw NotServed(), requestContext);
                return;
            case ["api", var version, .. var rest]:
                await ServeGroupVersionAsync(context, "", version, rest, requestContext);
                return;
            case ["apis", var group, var version, .. var rest]:
                await ServeGroupVersionAsync(context, group, version, rest, requestContext);
                return;
            default:
                throw NotServed();
        }
    }

    private async Task ServeGroupVersionAsync(HttpContext context, string group, string version, string[] rest, RequestContext requestContext)
    {
        if (rest.Length == 0)
        {
            await WriteJsonAsync(context, 200, Discovery.Resources(group, version, options.Serves) ?? throw NotServed(), requestContext);
            return;
        }

        if (LegacyBindings.IsTarget(group, rest) && context.Request.Method == "POST")
        {
            requests.Record(new ApiRequest(UserOf(context.Request), "create", "", "bindings", null, rest[1], null));
            await api.BindLegacyAsync(rest[1], await ReadObjectAsync(context.Request), requestContext, context.RequestAborted);
            await WriteStatusAsync(context, ApiErrors.Success(LegacyBindings.Resource, "", 201), requestContext);
            return;
        }

        var target = ApiTarget.Parse(group, version, rest) ?? throw NotServed(group, version, rest);
        var request = context.Request;
        var query = request.Query;
        var verb = (request.Method, target.Name) switch
        {
            ("GET", null) => query["watch"] is { Count: > 0 } w && w[0] is "true" or "1" ? "watch" : "list",
            ("GET", _) => "get",
            ("POST", _) => "create",
            ("PUT", _) => "update",
            ("PATCH", _) => "patch",
            ("DELETE", _) => "delete",
            _ => throw new ApiException(ApiErrors.MethodNotAllowed($"the server does not allow this method on the requested resource ({request.Method})")),
        };
        // Recorded before anything can fail, as kube-apiserver authorizes before it serves (a 404 was authorized too).
        requests.Record(AuthorizationAttributes(request, target, verb));
        if (!options.Serves(target.Type))
        {
            throw NotServed();
        }

        if (faults.Hits(UserOf(request)) && faults.Roll(verb) is { } injected)
        {
            throw new ApiException(injected);
        }

        if (target.Subresource is "scale" or "token" or "log" or "exec" or "attach" or "portforward")
        {
            await ServeSubresourceAsync(context, target, verb, requestContext);
            return;
        }

        var ct = context.RequestAborted;
        var type = target.Type;
        switch (verb)
        {
            case "get":
                var stored = api.Get(type, target.Namespace, target.Name!);
                if (WantsTable(request))
                {
                    await WriteJsonAsync(context, 200, _tables.Build(type, [stored], null, null, query["includeObject"]), requestContext);
                }
                else
                {
                    await WriteStoredAsync(context, 200, stored, requestContext);
                }

                return;
            case "list":
                await ListAsync(context, target, requestContext);
                return;
            case "watch":
                await WatchAsync(context, target, requestContext);
                return;
            case "create" when target.Subresource == "binding":
                await api.BindAsync(target.Namespace!, target.Name!, await ReadObjectAsync(request), requestContext, ct);
                await WriteStatusAsync(context, ApiErrors.Success(type, target.Name!, 201), requestContext);
                return;
            case "create" when target.Subresource == "eviction":
                await api.EvictAsync(target.Namespace!, target.Name!, await ReadObjectAsync(request), requestContext, ct);
                await WriteStatusAsync(context, ApiErrors.Success(type, target.Name!, 201), requestContext);
                return;
            case "create" when target.Name is null:
                var created = await api.CreateAsync(type, target.Namespace, await ReadObjectAsync(request), requestContext, ct);
                await WriteStoredAsync(context, 201, created, requestContext);
                return;
            case "update":
                var updated = await api.UpdateAsync(type, target.Namespace, target.Name!, await ReadObjectAsync(request), target.Subresource, requestContext, ct);
                await WriteStoredAsync(context, 200, updated, requestContext);
                return;
            case "patch":
                var patchType = PatchTypeOf(request.ContentType, type);
                using (var reader = new StreamReader(request.Body, Encoding.UTF8))
                {
                    var patched = await api.PatchAsync(type, target.Namespace, target.Name!, patchType, await reader.ReadToEndAsync(ct), target.Subresource, requestContext, ct);
                    await WriteStoredAsync(context, 200, patched, requestContext);
                }

                return;
            case "delete" when target.Name is null:
                await DeleteCollectionAsync(context, target, requestContext);
                return;
            case "delete":
                var (preconditions, gracePeriod) = await ReadDeleteOptionsAsync(request, requestContext);
                requestContext.GracePeriodSeconds = gracePeriod;
                var deleted = await api.DeleteAsync(type, target.Namespace, target.Name!, preconditions, requestContext, ct);
                await WriteStoredAsync(context, 200, deleted, requestContext);
                return;
            default:
                throw new ApiException(ApiErrors.MethodNotAllowed($"the server does not allow this method on the requested resource ({request.Method} {type}/{target.Subresource})"));
        }
    }

    private async Task ServeSubresourceAsync(HttpContext context, ApiTarget target, string verb, RequestContext requestContext)
    {
        var request = context.Request;
        var (type, name, ct) = (target.Type, target.Name!, context.RequestAborted);
        switch (target.Subresource, verb)
        {
            case ("scale", "get"):
                await WriteJsonAsync(context, 200, ScaleSubresource.Of(api.Get(type, target.Namespace, name)), requestContext);
                return;
            case ("scale", "update"):
                var scale = await ReadObjectAsync(request);
                await WriteJsonAsync(context, 200, await ScaleSubresource.UpdateAsync(api, type, target.Namespace!, name, _ => scale, requestContext, ct), requestContext);
                return;
            case ("scale", "patch"):
                var patchType = PatchTypeOf(request.ContentType, type);
                using (var reader = new StreamReader(request.Body, Encoding.UTF8))
                {
                    var text = await reader.ReadToEndAsync(ct);
                    var patch = patchType == PatchType.Apply ? YamlJson.Parse(text) : JsonPatch.Parse(text);
                    var scaled = await ScaleSubresource.UpdateAsync(api, type, target.Namespace!, name, current => ClusterApi.ApplyPatch(type, name, patchType, current, patch), requestContext, ct);
                    await WriteJsonAsync(context, 200, scaled, requestContext);
                }

                return;
            case ("token", "create"):
                await WriteJsonAsync(context, 201, TokenRequests.Create(api, target.Namespace!, name, await ReadObjectAsync(request)), requestContext);
                return;
            case ("log", "get"):
                await PodStreams.WriteLogAsync(context, api, target.Namespace!, name);
                return;
            case ("exec" or "attach" or "portforward", _):
                throw PodStreams.NoContainers(target.Subresource);
            default:
                throw new ApiException(ApiErrors.MethodNotAllowed($"the server does not allow this method on the requested resource ({request.Method} {type}/{target.Subresource})"));
        }
    }

    private async Task ListAsync(HttpContext context, ApiTarget target, RequestContext requestContext)
    {
        var query = context.Request.Query;
        var result = api.List(target.Type, target.Namespace, ListOptionsOf(query));
        var revision = result.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        if (WantsTable(context.Request))
        {
            await WriteJsonAsync(context, 200, _tables.Build(target.Type, result.Items, revision, result.Continue, query["includeObject"]), requestContext);
            return;
        }

        var metadata = new JsonObject { ["resourceVersion"] = revision };
        if (result.Continue is not null)
        {
            metadata["continue"] = result.Continue;
            metadata["remainingItemCount"] = result.RemainingItemCount;
        }

        PrepareJson(context, 200, requestContext);
        var writer = context.Response.BodyWriter;
        var header = new JsonObject { ["kind"] = target.Type.ListKind, ["apiVersion"] = target.Type.ApiVersion, ["metadata"] = metadata }.ToJsonString();
        writer.Write(Encoding.UTF8.GetBytes(header[..^1] + ",\"items\":["));
        var pending = 0;
        for (var i = 0; i < result.Items.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(","u8);
            }

            var json = result.Items[i].Json.Span;
            writer.Write(json);
            pending += json.Length;
            if (pending > FlushThreshold)
            {
                await writer.FlushAsync(context.RequestAborted);
                pending = 0;
            }
        }

        writer.Write("]}"u8);
        await writer.FlushAsync(context.RequestAborted);
    }

    private async Task WatchAsync(HttpContext context, ApiTarget target, RequestContext requestContext)
    {
        var query = context.Request.Query;
        var table = WantsTable(context.Request);
        PrepareJson(context, 200, requestContext);
        var writer = context.Response.BodyWriter;
        var faulty = faults.Hits(UserOf(context.Request));
        WatchSubscription subscription;
        try
        {
            if (faulty && faults.ForceWatchExpired)
            {
                throw new ApiException(ApiErrors.Expired($"too old resource version: {query["resourceVersion"]} (injected fault)"));
            }

            subscription = api.Watch(target.Type, target.Namespace, new WatchOptions
            {
                LabelSelector = query["labelSelector"],
                FieldSelector = query["fieldSelector"],
                ResourceVersion = query["resourceVersion"],
            });
        }
        catch (ApiException e) when (e.Code == 410)
        {
            // kube-apiserver accepts the watch, then reports the expiry as the stream's only event.
            WriteEvent(writer, "ERROR", JsonSerializer.SerializeToUtf8Bytes(ApiErrors.ToJson(e.Status), Compact));
            await writer.FlushAsync(context.RequestAborted);
            return;
        }

        using var _ = subscription;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, faulty ? faults.WatchDropToken : CancellationToken.None);
        if (int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var timeoutSeconds) && timeoutSeconds > 0)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        }

        if (faulty && faults.DropWatchStreamsAfter is { } dropAfter)
        {
            stop.CancelAfter(dropAfter);
        }

        var bookmarks = query["allowWatchBookmarks"] == "true";
        var reason = "closed";
        try
        {
            foreach (var change in subscription.Backlog)
            {
                WriteChange(writer, change, table, query["includeObject"]);
            }

            await writer.FlushAsync(stop.Token);
            await StreamLiveAsync(writer, subscription, table, bookmarks, query["includeObject"], stop.Token);
        }
        catch (OperationCanceledException)
        {
            reason = context.RequestAborted.IsCancellationRequested ? "client went away" : "timeout or injected drop";
        }
        catch (WatchOverflowException e)
        {
            reason = e.Message;
        }

        SandboxLog.WatchEnded(logger, target.Type.Plural, reason);
    }

    private async Task StreamLiveAsync(PipeWriter writer, WatchSubscription subscription, bool table, bool bookmarks, string? includeObject, CancellationToken cancellationToken)
    {
        var reader = subscription.Live;
        Task? bookmarkDue = bookmarks ? Task.Delay(options.BookmarkInterval, api.Time, cancellationToken) : null;
        while (true)
        {
            var readable = reader.WaitToReadAsync(cancellationToken).AsTask();
            var finished = bookmarkDue is null ? readable : await Task.WhenAny(readable, bookmarkDue);
            if (finished == readable)
            {
                if (!await readable)
                {
                    await reader.Completion;
                    return;
                }

                while (reader.TryRead(out var change))
                {
                    WriteChange(writer, change, table, includeObject);
                }
            }
            else
            {
                await bookmarkDue!;
                bookmarkDue = Task.Delay(options.BookmarkInterval, api.Time, cancellationToken);
                if (subscription.BookmarkRevision() is { } revision)
                {
                    var bookmark = new JsonObject
                    {
                        ["kind"] = subscription.Type.Kind,
                        ["apiVersion"] = subscription.Type.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
                    };
                    WriteEvent(writer, "BOOKMARK", JsonSerializer.SerializeToUtf8Bytes(bookmark, Compact));
                }
            }

            await writer.FlushAsync(cancellationToken);
        }
    }

    private void WriteChange(PipeWriter writer, StoreWatchEvent change, bool table, string? includeObject)
    {
        var type = change.Type switch
        {
            WatchEventType.Added => "ADDED",
            WatchEventType.Modified => "MODIFIED",
            WatchEventType.Deleted => "DELETED",
            _ => change.Type.ToString().ToUpperInvariant(),
        };
        var body = table
            ? JsonSerializer.SerializeToUtf8Bytes(_tables.Build(change.Item.Type, [change.Item], change.Item.ResourceVersion.ToString(CultureInfo.InvariantCulture), null, includeObject), Compact)
            : change.Item.Json.Span;
        WriteEvent(writer, type, body);
    }

    private static void WriteEvent(PipeWriter writer, string type, ReadOnlySpan<byte> body)
    {
        writer.Write(Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":"));
        writer.Write(body);
        writer.Write("}\n"u8);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ApiTarget target, RequestContext requestContext)
    {
        var result = api.List(target.Type, target.Namespace, ListOptionsOf(context.Request.Query));
        var items = new JsonArray();
        foreach (var stored in result.Items)
        {
            try
            {
                items.Add((await api.DeleteAsync(target.Type, stored.Namespace, stored.Name, null, requestContext, context.RequestAborted)).ToJsonObject());
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Already gone.
            }
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = target.Type.ListKind,
            ["apiVersion"] = target.Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = api.Store.Revision.ToString(CultureInfo.InvariantCulture) },
            ["items"] = items,
        }, requestContext);
    }

    /// <summary>The request as kube-apiserver's authorizer sees it (its RequestInfo), with the user its bearer token names.</summary>
    private ApiRequest AuthorizationAttributes(HttpRequest request, ApiTarget target, string verb)
    {
        var name = target.Name;
        if (name is null && verb is "list" or "watch")
        {
            // A list or watch of one object by field selector is authorized as a request for that name.
            name = request.Query["fieldSelector"].ToString().Split(',')
                .Select(term => term.Trim())
                .Where(term => term.StartsWith("metadata.name=", StringComparison.Ordinal) && !term.StartsWith("metadata.name==", StringComparison.Ordinal))
                .Select(term => term["metadata.name=".Length..])
                .FirstOrDefault();
        }

        return new ApiRequest(
            UserOf(request),
            verb == "delete" && target.Name is null ? "deletecollection" : verb,
            target.Type.Group,
            target.Type.Plural,
            target.Subresource,
            target.Namespace,
            name);
    }

    private string UserOf(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && options.TokenUsers.TryGetValue(authorization[Bearer.Length..].Trim(), out var user)
            ? user
            : SandboxOptions.AdminUser;
    }

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

    /// <summary>A 404 that names the version served when the resource exists in another version of the group (kubectl autoscale asks for autoscaling/v1).</summary>
    private static ApiException NotServed(string group, string version, string[] rest) =>
        ResourceTypes.All.FirstOrDefault(r => r.Group == group && r.Version != version && rest.Contains(r.Plural)) is { } served
            ? NotServed($"the sandbox serves {served} only as {served.ApiVersion}, not {group}/{version}")
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
