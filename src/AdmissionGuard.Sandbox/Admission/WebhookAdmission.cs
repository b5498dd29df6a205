using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Patching;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// Dynamic admission as kube-apiserver does it: the registered MutatingWebhookConfigurations in name order,
/// one webhook at a time with JSON Patches applied between them, then the ValidatingWebhookConfigurations in
/// parallel. Rules (operations, groups, versions, resources with subresources, scope), namespaceSelector,
/// objectSelector and simple matchConditions pick the webhooks; timeoutSeconds and failurePolicy decide what
/// a failed call means. A matchCondition sees <c>request</c> as the apiserver converts it (omitempty: an unset
/// subResource, name, namespace, oldObject or options is absent, and reading it is an error); a condition that is
/// false skips the webhook, an error (with none false) skips it under failurePolicy Ignore, counted in
/// <see cref="AdmissionMetrics"/>, and refuses the request with 403 under Fail. Reinvocation as kube-apiserver
/// does it: when a webhook changed the object, the earlier webhooks with <c>reinvocationPolicy: IfNeeded</c> are
/// called once more after the first pass. Webhook configurations themselves are never sent to webhooks. Not
/// modelled: matchPolicy Equivalent (requests are only ever v1), sideEffects checks on dry runs.
/// </summary>
internal sealed class WebhookAdmission(ObjectStore store, WebhookTransport transport, AdmissionMetrics metrics, ILogger logger) : IAdmission
{
    private const int DefaultTimeoutSeconds = 10;

    public async Task<JsonObject?> MutateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var current = request.NewObject;
        var reinvocable = new List<string>();
        var reinvoke = new HashSet<string>(StringComparer.Ordinal);
        foreach (var hook in Hooks(ResourceTypes.MutatingWebhookConfigurations, request))
        {
            var (result, changed) = await MutateOnceAsync(hook, request with { NewObject = current }, cancellationToken);
            current = result;
            if (changed)
            {
                reinvoke.UnionWith(reinvocable);
            }

            if (hook.ReinvocationPolicy == "IfNeeded")
            {
                reinvocable.Add(hook.Key);
            }
        }

        if (reinvoke.Count == 0)
        {
            return current;
        }

        // One more pass, only for the webhooks that ran before a change; what they change now reinvokes nobody.
        foreach (var hook in Hooks(ResourceTypes.MutatingWebhookConfigurations, request with { NewObject = current }).Where(h => reinvoke.Contains(h.Key)))
        {
            (current, _) = await MutateOnceAsync(hook, request with { NewObject = current }, cancellationToken);
        }

        return current;
    }

    private async Task<(JsonObject? Result, bool Changed)> MutateOnceAsync(Webhook hook, AdmissionRequest review, CancellationToken cancellationToken)
    {
        var current = review.NewObject;
        if (await CallAsync(hook, review, cancellationToken) is not { } outcome)
        {
            return (current, false);
        }

        Record(review.Context, outcome.Warnings);
        if (outcome.Denial is not null)
        {
            throw new ApiException(outcome.Denial);
        }

        if (outcome.Patch is null || current is null)
        {
            return (current, false);
        }

        var patched = outcome.Patch(current);
        return (patched, !JsonNode.DeepEquals(patched, current));
    }

    public async Task ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hooks = Hooks(ResourceTypes.ValidatingWebhookConfigurations, request).ToList();
        var calls = hooks.Select(hook => CallAsync(hook, request, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (ApiException)
        {
            // Report warnings from every webhook that answered, then the first refusal in configuration order.
        }

        foreach (var call in calls.Where(c => c.IsCompletedSuccessfully))
        {
            Record(request.Context, call.Result?.Warnings ?? []);
        }

        foreach (var call in calls)
        {
            if (call.IsFaulted)
            {
                throw call.Exception!.InnerException!;
            }

            if (call.Result?.Denial is { } denial)
            {
                throw new ApiException(denial);
            }
        }
    }

    private IEnumerable<Webhook> Hooks(ResourceType configurations, AdmissionRequest request)
    {
        if (request.Resource == ResourceTypes.MutatingWebhookConfigurations || request.Resource == ResourceTypes.ValidatingWebhookConfigurations)
        {
            return [];
        }

        var mutating = configurations == ResourceTypes.MutatingWebhookConfigurations;
        var hooks = new List<Webhook>();
        foreach (var stored in store.Snapshot(configurations))
        {
            if (mutating)
            {
                var configuration = stored.ToModel<V1MutatingWebhookConfiguration>();
                hooks.AddRange((configuration.Webhooks ?? []).Select(w => new Webhook(
                    $"{stored.Name}/{w.Name}", w.Name, true, w.ClientConfig, w.Rules, w.FailurePolicy, w.TimeoutSeconds, w.NamespaceSelector, w.ObjectSelector, w.MatchConditions,
                    w.ReinvocationPolicy)));
            }
            else
            {
                var configuration = stored.ToModel<V1ValidatingWebhookConfiguration>();
                hooks.AddRange((configuration.Webhooks ?? []).Select(w => new Webhook(
                    $"{stored.Name}/{w.Name}", w.Name, false, w.ClientConfig, w.Rules, w.FailurePolicy, w.TimeoutSeconds, w.NamespaceSelector, w.ObjectSelector, w.MatchConditions,
                    null)));
            }
        }

        return hooks.Where(h => RulesMatch(h, request) && SelectorsMatch(h, request));
    }

    private static bool RulesMatch(Webhook hook, AdmissionRequest request)
    {
        var operation = OperationName(request.Operation);
        var resource = request.SubResource is null ? request.Resource.Plural : $"{request.Resource.Plural}/{request.SubResource}";
        return (hook.Rules ?? []).Any(rule =>
            AnyOf(rule.Operations, operation)
            && AnyOf(rule.ApiGroups, request.Resource.Group)
            && AnyOf(rule.ApiVersions, request.Resource.Version)
            && (rule.Resources ?? []).Any(pattern => ResourceMatches(pattern, request.Resource.Plural, request.SubResource))
            && (rule.Scope is null or "*" || (rule.Scope == "Namespaced") == request.Resource.Namespaced));

        static bool AnyOf(IList<string>? allowed, string value) => (allowed ?? []).Any(a => a == "*" || a == value);

        static bool ResourceMatches(string pattern, string plural, string? subresource)
        {
            var (resourcePattern, subPattern) = pattern.Split('/', 2) is [var r, var s] ? (r, s) : (pattern, (string?)null);
            var resourceOk = resourcePattern == "*" || resourcePattern == plural;
            return resourceOk && (subPattern is null ? subresource is null : subPattern == "*" || subPattern == subresource);
        }
    }

    private bool SelectorsMatch(Webhook hook, AdmissionRequest request)
    {
        try
        {
            var namespaceSelector = LabelSelector.FromModel(hook.NamespaceSelector, nullMeansEverything: true);
            if (!namespaceSelector.IsEverything)
            {
                IReadOnlyDictionary<string, string>? labels = request.Resource == ResourceTypes.Namespaces
                    ? ObjectLabels(request.NewObject ?? request.OldObject)
                    : request.Resource.Namespaced ? store.Get(ResourceTypes.Namespaces, null, request.Namespace ?? "")?.Labels : null;
                if (request.Resource.Namespaced || request.Resource == ResourceTypes.Namespaces)
                {
                    if (!namespaceSelector.Matches(labels ?? new Dictionary<string, string>()))
                    {
                        return false;
                    }
                }
            }

            var objectSelector = LabelSelector.FromModel(hook.ObjectSelector, nullMeansEverything: true);
            return objectSelector.IsEverything
                || objectSelector.Matches(ObjectLabels(request.NewObject))
                || (request.OldObject is not null && objectSelector.Matches(ObjectLabels(request.OldObject)));
        }
        catch (FormatException e)
        {
            SandboxLog.WebhookCallFailed(logger, hook.Name, hook.FailurePolicy ?? "Fail", $"invalid selector: {e.Message}");
            return false;
        }
    }

    /// <summary>Calls one webhook. Null when it does not apply (matchConditions) or failed under failurePolicy Ignore.</summary>
    private async Task<Outcome?> CallAsync(Webhook hook, AdmissionRequest request, CancellationToken cancellationToken)
    {
        var uid = Guid.NewGuid().ToString();
        var review = Review(uid, request);
        if (MatchConditionError(hook, review["request"]!.AsObject(), out var skip) is { } conditionError)
        {
            if (hook.FailurePolicy == "Ignore")
            {
                metrics.CountMatchConditionError(hook.Name, hook.Mutating);
                SandboxLog.WebhookCallFailed(logger, hook.Name, "Ignore", conditionError);
                return null;
            }

            SandboxLog.WebhookCallFailed(logger, hook.Name, "Fail", conditionError);
            throw new ApiException(ApiErrors.Forbidden(Forbidden(request, conditionError)));
        }

        if (skip)
        {
            return null;
        }

        try
        {

            var timeout = TimeSpan.FromSeconds(hook.TimeoutSeconds ?? DefaultTimeoutSeconds);
            string answer;
            try
            {
                answer = await transport.PostAsync(hook.ClientConfig ?? throw new InvalidOperationException("webhook has no clientConfig"),
                    JsonSerializer.SerializeToUtf8Bytes(review), timeout, cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"failed to call webhook: Post \"{WebhookTransport.Target(hook.ClientConfig!)}\": context deadline exceeded");
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"failed to call webhook: Post \"{WebhookTransport.Target(hook.ClientConfig!)}\": {e.Message}");
            }

            return Interpret(hook, uid, answer);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or PatchException or UriFormatException)
        {
            if (hook.FailurePolicy == "Ignore")
            {
                SandboxLog.WebhookCallFailed(logger, hook.Name, "Ignore", e.Message);
                return null;
            }

            SandboxLog.WebhookCallFailed(logger, hook.Name, "Fail", e.Message);
            throw new ApiException(ApiErrors.Internal($"Internal error occurred: failed calling webhook \"{hook.Name}\": {e.Message}"));
        }
    }

    private static Outcome Interpret(Webhook hook, string uid, string answer)
    {
        var review = JsonNode.Parse(answer) as JsonObject ?? throw new InvalidOperationException("the webhook response is not a JSON object");
        if ((string?)review["apiVersion"] != "admission.k8s.io/v1" || (string?)review["kind"] != "AdmissionReview")
        {
            throw new InvalidOperationException($"expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got {(string?)review["apiVersion"]}, Kind={(string?)review["kind"]}");
        }

        var response = review["response"] as JsonObject ?? throw new InvalidOperationException("webhook response was absent");
        if ((string?)response["uid"] != uid)
        {
            throw new InvalidOperationException($"expected response.uid=\"{uid}\", got \"{(string?)response["uid"]}\"");
        }

        var warnings = (response["warnings"] as JsonArray)?.Select(w => (string?)w ?? "").ToList() ?? [];
        if ((bool?)response["allowed"] != true)
        {
            // A denying webhook's warnings still reach the client.
            return new Outcome(warnings, null, Denial(hook.Name, response["status"] as JsonObject));
        }

        Func<JsonObject, JsonObject>? patch = null;
        if ((string?)response["patch"] is { Length: > 0 } encoded)
        {
            if (!hook.Mutating)
            {
                throw new InvalidOperationException("validating webhook may not return a patch");
            }

            if ((string?)response["patchType"] != "JSONPatch")
            {
                throw new InvalidOperationException($"unsupported patchType \"{(string?)response["patchType"]}\"");
            }

            var operations = JsonNode.Parse(Convert.FromBase64String(encoded));
            patch = target => JsonPatch.Apply(target, operations);
        }

        return new Outcome(warnings, patch);
    }

    private static V1Status Denial(string webhook, JsonObject? status)
    {
        var deniedBy = $"admission webhook \"{webhook}\" denied the request";
        var code = (int?)status?["code"] ?? 0;
        var message = (string?)status?["message"];
        var reason = (string?)status?["reason"];
        return new V1Status
        {
            ApiVersion = "v1",
            Kind = "Status",
            Status = "Failure",
            Metadata = new V1ListMeta(),
            Code = code < 400 ? 400 : code,
            Reason = reason,
            Message = !string.IsNullOrEmpty(message) ? $"{deniedBy}: {message}"
                : !string.IsNullOrEmpty(reason) ? $"{deniedBy}: {reason}"
                : $"{deniedBy} without explanation",
        };
    }

    /// <summary>
    /// Evaluates every matchCondition as kube-apiserver does: any false one skips the webhook (<paramref name="skip"/>),
    /// else any error is the result (null when none).
    /// </summary>
    private static string? MatchConditionError(Webhook hook, JsonObject request, out bool skip)
    {
        skip = false;
        if (hook.MatchConditions is not { Count: > 0 } conditions)
        {
            return null;
        }

        var variables = new JsonObject
        {
            ["object"] = request["object"]?.DeepClone(),
            ["oldObject"] = request["oldObject"]?.DeepClone(),
            ["request"] = OmitEmpty(request),
        };
        var errors = new List<string>();
        foreach (var condition in conditions)
        {
            try
            {
                if (!MatchCondition.Compile(condition.Expression).Evaluate(variables))
                {
                    skip = true;
                    return null;
                }
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                errors.Add($"expression '{condition.Expression}' resulted in error: {e.Message}");
            }
        }

        return errors.Count == 0 ? null : $"failed to evaluate match condition: [{string.Join(", ", errors)}]";
    }

    /// <summary>The request as CEL sees it: Go's omitempty leaves out unset optional fields (no null, no "").</summary>
    private static JsonObject OmitEmpty(JsonObject request)
    {
        var converted = new JsonObject();
        foreach (var (key, value) in request)
        {
            if (value is null || (value is JsonValue v && v.TryGetValue(out string? text) && text.Length == 0))
            {
                continue;
            }

            converted[key] = value.DeepClone();
        }

        return converted;
    }

    /// <summary>kube-apiserver's NewForbidden wording: <c>pods "web" is forbidden: ...</c>.</summary>
    private static string Forbidden(AdmissionRequest request, string reason)
    {
        var resource = request.Resource.Group.Length == 0 ? request.Resource.Plural : $"{request.Resource.Plural}.{request.Resource.Group}";
        return $"{resource} \"{request.Name}\" is forbidden: {reason}";
    }

    private static JsonObject Review(string uid, AdmissionRequest request)
    {
        var resource = new JsonObject { ["group"] = request.Resource.Group, ["version"] = request.Resource.Version, ["resource"] = request.Resource.Plural };
        var kind = new JsonObject { ["group"] = request.Kind.Group, ["version"] = request.Kind.Version, ["kind"] = request.Kind.Kind };
        var body = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = kind,
            ["resource"] = resource,
            ["requestKind"] = kind.DeepClone(),
            ["requestResource"] = resource.DeepClone(),
            ["name"] = request.Name,
            ["operation"] = OperationName(request.Operation),
            ["userInfo"] = new JsonObject { ["username"] = request.Context.User, ["groups"] = new JsonArray("system:masters", "system:authenticated") },
            ["object"] = request.NewObject?.DeepClone(),
            ["oldObject"] = request.OldObject?.DeepClone(),
            ["dryRun"] = request.Context.DryRun,
            ["options"] = new JsonObject
            {
                ["kind"] = request.Operation switch
                {
                    AdmissionOperation.Create => "CreateOptions",
                    AdmissionOperation.Update => "UpdateOptions",
                    _ => "DeleteOptions",
                },
                ["apiVersion"] = "meta.k8s.io/v1",
            },
        };
        if (request.SubResource is not null)
        {
            body["subResource"] = request.SubResource;
            body["requestSubResource"] = request.SubResource;
        }

        if (request.Namespace is not null)
        {
            body["namespace"] = request.Namespace;
        }

        return new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["request"] = body };
    }

    private static void Record(RequestContext context, IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
        {
            context.AddWarning(warning);
        }
    }

    private static Dictionary<string, string> ObjectLabels(JsonObject? obj) =>
        obj is null ? [] : ObjectFields.Labels(obj);

    private static string OperationName(AdmissionOperation operation) => operation.ToString().ToUpperInvariant();

    /// <param name="Key">Configuration and webhook name: unique across configurations, unlike the webhook name.</param>
    private sealed record Webhook(
        string Key,
        string Name,
        bool Mutating,
        Admissionregistrationv1WebhookClientConfig? ClientConfig,
        IList<V1RuleWithOperations>? Rules,
        string? FailurePolicy,
        int? TimeoutSeconds,
        V1LabelSelector? NamespaceSelector,
        V1LabelSelector? ObjectSelector,
        IList<V1MatchCondition>? MatchConditions,
        string? ReinvocationPolicy);

    /// <param name="Denial">The refusal to answer with, when the webhook said no.</param>
    private sealed record Outcome(IReadOnlyList<string> Warnings, Func<JsonObject, JsonObject>? Patch, V1Status? Denial = null);
}
