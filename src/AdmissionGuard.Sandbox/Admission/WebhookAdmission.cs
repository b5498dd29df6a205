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
/// called once more after the first pass. ValidatingAdmissionPolicies (<see cref="ValidatingPolicies"/>) run before
/// the validating webhooks. Webhook configurations themselves are never sent to webhooks. Not
/// modelled: matchPolicy Equivalent (requests are only ever v1), sideEffects checks on dry runs.
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

    /// <summary>Calls one webhook. Null when it does not apply (matchConditions) or failed under failurePolicy Ignore.</summary>
    private async Task<Outcome?> CallAsync(Webhook hook, AdmissionRequest request, CancellationToken cancellationToken)
    {
        var uid = Guid.NewGuid().ToString();
        var review = Review(uid, request);
        // Built once per call, and only for a webhook with conditions: it converts the whole object.
        var variables = new Lazy<IReadOnlyDictionary<string, object?>>(() => AdmissionMatch.ConditionVariables(review["request"]!.AsObject()));
        if (AdmissionMatch.ConditionError(hook.MatchConditions, expression => MatchCondition.Compile(expression).Evaluate(variables.Value), out var skip) is { } conditionError)
        {
            if (hook.FailurePolicy == "Ignore")
            {
                metrics.CountMatchConditionError(hook.Name, hook.Mutating);
                SandboxLog.WebhookCallFailed(logger, hook.Name, "Ignore", conditionError);
                return null;
            }

            SandboxLog.WebhookCallFailed(logger, hook.Name, "Fail", conditionError);
            throw new ApiException(ApiErrors.Forbidden(AdmissionMatch.Forbidden(request, conditionError)));
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

    /// <param name="Denial">The refusal to answer with, when the webhook said no.</param>
    private sealed record Outcome(IReadOnlyList<string> Warnings, Func<JsonObject, JsonObject>? Patch, V1Status? Denial = null);
}
