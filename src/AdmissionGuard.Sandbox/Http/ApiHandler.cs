using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Admission;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Faults;
using AdmissionGuard.Sandbox.Patching;
using AdmissionGuard.Sandbox.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Http;

/// <summary>
/// The REST surface: translates kube-apiserver URLs, verbs and media types onto <see cref="ClusterApi"/> and
/// writes the answers (objects, lists, Tables, watch streams, Status errors, Warning headers).
/// </summary>
internal sealed partial class ApiHandler(ClusterApi api, FaultInjection faults, SandboxOptions options, ApiRequestLog requests, AdmissionMetrics admissionMetrics, ILogger logger)
{
    private const int FlushThreshold = 64 * 1024;
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly TableBuilder _tables = new(api.Time);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var directive = FieldValidationOf(request.Query["fieldValidation"]);
        var requestContext = new RequestContext { DryRun = request.Query["dryRun"] == "All", FieldValidation = directive ?? FieldValidation.Warn };
        try
        {
            if (directive is null && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsDelete(request.Method))
            {
                throw new ApiException(ApiErrors.BadRequest(
                    $"fieldValidation: Unsupported value: \"{request.Query["fieldValidation"]}\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""));
            }

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

    private static FieldValidation? FieldValidationOf(string? directive) => directive switch
    {
        null or "" or "Warn" => FieldValidation.Warn,
        "Ignore" => FieldValidation.Ignore,
        "Strict" => FieldValidation.Strict,
        _ => null,
    };

    private async Task DispatchAsync(HttpContext context, RequestContext requestContext)
    {
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case []:
                await WriteJsonAsync(context, 200, new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/healthz", "/livez", "/metrics", "/openapi/v2", "/openapi/v3", "/readyz", "/version") }, requestContext);
                return;
            case ["version"]:
                await WriteJsonAsync(context, 200, Discovery.Version(), requestContext);
                return;
            case [var endpoint and ("healthz" or "livez" or "readyz"), .. var check]:
                await HealthChecks.WriteAsync(context, endpoint, string.Join('/', check));
                return;
            case ["metrics"]:
                // kube-apiserver's own metrics; of them, the sandbox keeps what dynamic admission records.
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await admissionMetrics.WriteAsync(context.Response.Body, context.RequestAborted);
                return;
            case ["api"]:
                await WriteJsonAsync(context, 200, Discovery.CoreVersions(), requestContext);
                return;
            case ["apis"]:
                await WriteJsonAsync(context, 200, Discovery.Groups(options.Serves), requestContext);
                return;
            case ["openapi", "v2"]:
                var (contentType, swagger) = Discovery.OpenApiV2(context.Request.Headers.Accept.ToString().Contains("protobuf", StringComparison.Ordinal));
                context.Response.ContentType = contentType;
                await context.Response.Body.WriteAsync(swagger, context.RequestAborted);
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

        // Create-only resources: any other verb is refused as kube-apiserver refuses it.
        if ((LegacyBindings.IsTarget(group, rest) || SelfSubjectReviews.IsTarget(group, version, rest)) && context.Request.Method != "POST")
        {
            throw new ApiException(ApiErrors.MethodNotAllowed("the server does not allow this method on the requested resource"));
        }

        if (LegacyBindings.IsTarget(group, rest))
        {
            requests.Record(new ApiRequest(UserOf(context.Request), "create", "", "bindings", null, rest[1], null));
            await api.BindLegacyAsync(rest[1], await ReadObjectAsync(context.Request), requestContext, context.RequestAborted);
            await WriteStatusAsync(context, ApiErrors.Success(LegacyBindings.Resource, "", 201), requestContext);
            return;
        }

        if (SelfSubjectReviews.IsTarget(group, version, rest))
        {
            var user = UserOf(context.Request);
            requests.Record(new ApiRequest(user, "create", SelfSubjectReviews.Resource.Group, SelfSubjectReviews.Resource.Plural, null, null, null));
            var now = Rfc3339.Format(options.TimeProvider.GetUtcNow());
            await WriteJsonAsync(context, 201, SelfSubjectReviews.Answer(await ReadObjectAsync(context.Request), user, now), requestContext);
            return;
        }

        if (ComponentStatuses.IsTarget(group, version, rest))
        {
            await ServeComponentStatusesAsync(context, rest is [_, var component] ? component : null, requestContext);
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
                throw PodStreams.Refuse(api, target.Namespace!, name, target.Subresource, request.Query["container"].ToString());
            default:
                throw new ApiException(ApiErrors.MethodNotAllowed($"the server does not allow this method on the requested resource ({request.Method} {type}/{target.Subresource})"));
        }
    }

    /// <summary>
    /// <c>componentstatuses</c>: get and list only, with the deprecation warning. As upstream, a watch is 405 and a
    /// component it does not probe is 500 with its storage's plain "Component not found" (it returns no typed error).
    /// </summary>
    private async Task ServeComponentStatusesAsync(HttpContext context, string? component, RequestContext requestContext)
    {
        var request = context.Request;
        if (request.Method != "GET")
        {
            throw new ApiException(ApiErrors.MethodNotAllowed("the server does not allow this method on the requested resource"));
        }

        var watch = request.Query["watch"] is { Count: > 0 } w && w[0] is "true" or "1";
        var verb = component is not null ? "get" : watch ? "watch" : "list";
        requests.Record(new ApiRequest(UserOf(request), verb, "", ComponentStatuses.Resource.Plural, null, component, null));
        requestContext.AddWarning(ComponentStatuses.Deprecation);
        if (watch)
        {
            throw new ApiException(ApiErrors.MethodNotAllowed($"watch is not supported on resources of kind \"{ComponentStatuses.Resource.Plural}\""));
        }

        var statuses = component is null ? [.. ComponentStatuses.List()] : new[] { ComponentStatuses.Get(component) };
        if (WantsTable(request))
        {
            var rows = statuses.Select(s => ObjectStore.Preview(ComponentStatuses.Resource, s));
            await WriteJsonAsync(context, 200, _tables.Build(ComponentStatuses.Resource, rows, null, null, request.Query["includeObject"]), requestContext);
            return;
        }

        JsonNode answer = component is not null ? statuses[0] : new JsonObject
        {
            ["kind"] = ComponentStatuses.Resource.ListKind,
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray([.. statuses]),
        };
        await WriteJsonAsync(context, 200, answer, requestContext);
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
}
