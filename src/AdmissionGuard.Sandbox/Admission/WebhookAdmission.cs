using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Patching;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// Dynamic admission as kube-apiserver does it: the registered MutatingWebhookConfigurations in name order,
/// one webhook at a time with JSON Patches applied between them, then the ValidatingWebhookConfigurations in
/// parallel. Rules (operations, groups, versions, resources with subresources, scope), namespaceSelector,
/// objectSelector and simple matchConditions pick the webhooks; timeoutSeconds and failurePolicy decide what
/// a failed call means. A matchCondition sees <c>request</c> as the apiserver converts it (omitempty: an unset
/// subResource, name, namespace, oldObject or options is absent, and reading it is an error); a condition that is
/// false skips the webhook, an error (with none false) skips it under failurePolicy Ignore and refuses the request
/// with 403 under Fail. Every call, rejection, fail-open and condition error is counted in
/// <see cref="AdmissionMetrics"/>. Reinvocation as kube-apiserver does it: when a webhook changed the object, the
/// earlier webhooks with <c>reinvocationPolicy: IfNeeded</c> are called once more after the first pass.
/// ValidatingAdmissionPolicies (<see cref="ValidatingPolicies"/>) run before the validating webhooks. Webhook
/// configurations themselves are never sent to webhooks. Not modelled: matchPolicy Equivalent (requests are only
/// ever v1), sideEffects checks on dry runs.
/// </summary>
internal sealed class WebhookAdmission(ObjectStore store, WebhookTransport transport, AdmissionMetrics metrics, ILogger logger) : IAdmission
{
    private const int DefaultTimeoutSeconds = 10;

    private readonly ValidatingPolicies _policies = new(store, logger);

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

        return outcome.Patched is { } patched ? (patched, !JsonNode.DeepEquals(patched, current)) : (current, false);
    }

    public async Task ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // kube-apiserver's plugin order: ValidatingAdmissionPolicy before ValidatingAdmissionWebhook.
        _policies.Validate(request);
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

    private static bool RulesMatch(Webhook hook, AdmissionRequest request) =>
        (hook.Rules ?? []).Any(rule => AdmissionMatch.Rule(rule.Operations, rule.ApiGroups, rule.ApiVersions, rule.Resources, rule.Scope, request));

    private bool SelectorsMatch(Webhook hook, AdmissionRequest request)
    {
        try
        {
            return AdmissionMatch.Selectors(store, hook.NamespaceSelector, hook.ObjectSelector, request);
        }
        catch (FormatException e)
        {
            SandboxLog.WebhookCallFailed(logger, hook.Name, hook.FailurePolicy ?? "Fail", $"invalid selector: {e.Message}");
            return false;
        }
    }

    /// <summary>
    /// Calls one webhook and applies a mutating webhook's patch, observing the call as kube-apiserver's dispatchers do
    /// (<see cref="AdmissionMetrics"/>). Null when it does not apply (matchConditions) or failed under failurePolicy Ignore.
    /// </summary>
    private async Task<Outcome?> CallAsync(Webhook hook, AdmissionRequest request, CancellationToken cancellationToken)
    {
        var uid = Guid.NewGuid().ToString();
        var review = Review(uid, request);
        var operation = AdmissionMatch.OperationName(request.Operation);
        var ignore = hook.FailurePolicy == "Ignore";
        // Built once per call, and only for a webhook with conditions: it converts the whole object.
        var variables = new Lazy<IReadOnlyDictionary<string, object?>>(() => AdmissionMatch.ConditionVariables(review["request"]!.AsObject()));
        var conditionError = AdmissionMatch.ConditionError(
            hook.MatchConditions, expression => MatchCondition.Compile(expression).Evaluate(variables.Value), out var skip, out var evaluationErrors);
        for (var i = 0; i < evaluationErrors; i++)
        {
            metrics.ObserveMatchConditionError(hook.Name, hook.Mutating, operation);
        }

        if (conditionError is not null)
        {
            SandboxLog.WebhookCallFailed(logger, hook.Name, ignore ? "Ignore" : "Fail", conditionError);
            return ignore ? null : throw new ApiException(ApiErrors.Forbidden(AdmissionMatch.Forbidden(request, conditionError)));
        }

        if (skip)
        {
            return null;
        }

        var started = Stopwatch.GetTimestamp();
        Outcome outcome;
        try
        {
            outcome = Interpret(hook, uid, await PostAsync(hook, review, cancellationToken));
        }
        catch (WebhookCallException e)
        {
            SandboxLog.WebhookCallFailed(logger, hook.Name, ignore ? "Ignore" : "Fail", e.Message);
            if (ignore)
            {
                ObserveCall(rejected: false, e.Code);
                metrics.ObserveFailOpen(hook.Name, hook.Mutating);
                return null;
            }

            ObserveRejection(AdmissionMetrics.RejectionKind.CallingWebhookError, e.Code);
            throw new ApiException(ApiErrors.Internal($"Internal error occurred: failed calling webhook \"{hook.Name}\": {e.Message}"));
        }

        if (outcome.Denial is { } denial)
        {
            ObserveRejection(AdmissionMetrics.RejectionKind.NoError, denial.Code ?? 0);
            return outcome;
        }

        if (outcome.Patch is { } patch)
        {
            try
            {
                // Past the call: a patch the apiserver cannot apply fails the request whatever the failure policy.
                var target = request.NewObject ?? throw new PatchException(
                    $"admission webhook \"{hook.Name}\" attempted to modify the object, which is not supported for this operation");
                outcome = outcome with { Patched = JsonPatch.Apply(target, JsonPatch.Parse(patch)) };
            }
            catch (PatchException e)
            {
                ObserveRejection(AdmissionMetrics.RejectionKind.ApiserverInternalError, 0);
                throw new ApiException(ApiErrors.Internal($"Internal error occurred: {e.Message}"));
            }
        }

        ObserveCall(rejected: false, StatusCodes.Status200OK);
        return outcome;

        void ObserveCall(bool rejected, int code) =>
            metrics.ObserveCall(hook.Name, hook.Mutating, operation, Stopwatch.GetElapsedTime(started), rejected, code);

        // A rejected call is counted twice, as kube-apiserver counts it: among the rejections and among the calls.
        void ObserveRejection(AdmissionMetrics.RejectionKind kind, int code)
        {
            metrics.ObserveRejection(hook.Name, hook.Mutating, operation, kind, code);
            ObserveCall(rejected: true, code);
        }
    }

    /// <summary>Posts the review; every way the call can fail is a <see cref="WebhookCallException"/> with kube-apiserver's code.</summary>
    private async Task<string> PostAsync(Webhook hook, JsonObject review, CancellationToken cancellationToken)
    {
        // A failure that carries no HTTP status is a Bad Request to kube-apiserver ("error calling webhook").
        const int NoStatus = StatusCodes.Status400BadRequest;
        var timeout = TimeSpan.FromSeconds(hook.TimeoutSeconds ?? DefaultTimeoutSeconds);
        try
        {
            var config = hook.ClientConfig ?? throw new WebhookCallException("webhook has no clientConfig", NoStatus);
            return await transport.PostAsync(config, JsonSerializer.SerializeToUtf8Bytes(review), timeout, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebhookCallException($"failed to call webhook: Post \"{WebhookTransport.Target(hook.ClientConfig!)}\": context deadline exceeded", NoStatus);
        }
        catch (HttpRequestException e)
        {
            throw new WebhookCallException($"failed to call webhook: Post \"{WebhookTransport.Target(hook.ClientConfig!)}\": {e.Message}", (int?)e.StatusCode ?? NoStatus);
        }
        catch (Exception e) when (e is InvalidOperationException or UriFormatException)
        {
            throw new WebhookCallException(e.Message, NoStatus);
        }
    }

    /// <summary>
    /// Reads the answer. One kube-apiserver cannot decode (no JSON, not an AdmissionReview, a field of the wrong type, a
    /// patch that is not base64) is a Bad Request, as the call's own failures are; one that decodes but breaks the
    /// response rules (no response, another uid, a patch it may not carry) is Service Unavailable.
    /// </summary>
    private static Outcome Interpret(Webhook hook, string uid, string answer)
    {
        try
        {
            return Read(hook, uid, answer);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new WebhookCallException($"the webhook response cannot be decoded: {e.Message}", StatusCodes.Status400BadRequest);
        }
    }

    private static Outcome Read(Webhook hook, string uid, string answer)
    {
        const int Invalid = StatusCodes.Status503ServiceUnavailable;
        var review = JsonNode.Parse(answer) as JsonObject ?? throw new JsonException("not a JSON object");
        if ((string?)review["apiVersion"] != "admission.k8s.io/v1" || (string?)review["kind"] != "AdmissionReview")
        {
            throw new JsonException($"expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got {(string?)review["apiVersion"]}, Kind={(string?)review["kind"]}");
        }

        var response = review["response"] as JsonObject ?? throw new WebhookCallException("webhook response was absent", Invalid);
        if ((string?)response["uid"] != uid)
        {
            throw new WebhookCallException($"expected response.uid=\"{uid}\", got \"{(string?)response["uid"]}\"", Invalid);
        }

        var warnings = (response["warnings"] as JsonArray)?.Select(w => (string?)w ?? "").ToList() ?? [];
        if ((bool?)response["allowed"] != true)
        {
            // A denying webhook's warnings still reach the client.
            return new Outcome(warnings, Denial: Denial(hook.Name, response["status"] as JsonObject));
        }

        if ((string?)response["patch"] is not { Length: > 0 } encoded)
        {
            return new Outcome(warnings);
        }

        if (!hook.Mutating)
        {
            throw new WebhookCallException("validating webhook may not return a patch", Invalid);
        }

        if ((string?)response["patchType"] != "JSONPatch")
        {
            throw new WebhookCallException($"unsupported patchType \"{(string?)response["patchType"]}\"", Invalid);
        }

        return new Outcome(warnings, Patch: System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
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

    private static JsonObject Review(string uid, AdmissionRequest request) =>
        new() { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["request"] = AdmissionMatch.ReviewRequest(uid, request) };

    private static void Record(RequestContext context, IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
        {
            context.AddWarning(warning);
        }
    }

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

    /// <param name="Patch">A mutating webhook's JSON Patch, as it sent it.</param>
    /// <param name="Patched">The object with <paramref name="Patch"/> applied.</param>
    /// <param name="Denial">The refusal to answer with, when the webhook said no.</param>
    private sealed record Outcome(IReadOnlyList<string> Warnings, string? Patch = null, JsonObject? Patched = null, V1Status? Denial = null);

    /// <summary>A failed call: kube-apiserver's ErrCallingWebhook, which follows the failure policy.</summary>
    private sealed class WebhookCallException(string message, int code) : Exception(message)
    {
        /// <summary>The HTTP status kube-apiserver gives the failure in its metrics.</summary>
        public int Code { get; } = code;
    }
}
