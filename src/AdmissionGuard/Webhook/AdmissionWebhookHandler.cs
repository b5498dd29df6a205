using System.Text.Json;
using AdmissionGuard.Cluster;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Webhook;

/// <summary>
/// Translates AdmissionReviews into Core decisions and back. It only reads the body, type-checks it,
/// dispatches, and writes the response: every rule lives in <see cref="PodAdmission"/>.
/// </summary>
internal sealed class AdmissionWebhookHandler(
    IClusterSnapshot snapshot,
    ICacheArrival cacheArrival,
    AdmissionPolicy policy,
    IOptions<AdmissionOptions> options,
    AdmissionMetrics metrics,
    TimeProvider timeProvider,
    ILogger<AdmissionWebhookHandler> logger)
{
    /// <summary>The apiserver never sends more (its own request limit is 3 MiB); larger bodies get 413.</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    private const string InternalErrorWarning = "AdmissionGuard could not check this request (internal error); admitted unchecked";

    public async Task<IResult> HandleAsync(HttpContext context, WebhookKind webhook)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = timeProvider.GetTimestamp();
        var prefix = webhook == WebhookKind.Mutating ? "mutate" : "validate";
        var (result, operation, decision) = await AnswerAsync(context, webhook, prefix);
        metrics.Record(operation, decision, timeProvider.GetElapsedTime(started));
        return result;
    }

    private async Task<(IResult Result, string Operation, string Decision)> AnswerAsync(HttpContext context, WebhookKind webhook, string prefix)
    {
        var invalid = prefix + "_invalid";
        byte[]? body;
        try
        {
            body = await ReadBodyAsync(context.Request, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            return (Reject(context, e.StatusCode, e.Message), invalid, "invalid");
        }
        catch (IOException e)
        {
            return (Reject(context, StatusCodes.Status400BadRequest, $"could not read the request body: {e.Message}"), invalid, "invalid");
        }

        if (body is null)
        {
            return (Reject(context, StatusCodes.Status413PayloadTooLarge, $"the body exceeds {MaxBodyBytes} bytes (3 MiB)"), invalid, "invalid");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (Reject(context, StatusCodes.Status400BadRequest, $"the body is not valid JSON: {e.Message}"), invalid, "invalid");
        }

        using (document)
        {
            if (!AdmissionRequest.TryParse(document.RootElement, out var request, out var error))
            {
                return (Reject(context, StatusCodes.Status400BadRequest, error), invalid, "invalid");
            }

            var resource = request.IsPodCreate ? "pod" : request.IsBindingCreate && webhook == WebhookKind.Validating ? "binding" : "other";
            var operation = $"{prefix}_{resource}";
            try
            {
                return resource switch
                {
                    "pod" => await AnswerPodAsync(context, webhook, operation, request),
                    "binding" => await AnswerBindingAsync(context, operation, request),
                    _ => (Respond(request.Uid, new AdmissionDecision { Outcome = AdmissionOutcome.Skipped }, patch: null), operation, "skipped"),
                };
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug must not block pod creation cluster-wide: admit, say so, and let the reconciler heal.
                WebhookLog.EvaluationFailed(logger, e, operation, request.Namespace, request.Name, request.Uid);
                var admitted = new AdmissionDecision
                {
                    Outcome = AdmissionOutcome.Allowed,
                    Warnings = [InternalErrorWarning],
                    AuditAnnotations = new Dictionary<string, string> { ["decision"] = "error", ["reason"] = "internal-error" },
                };
                return (Respond(request.Uid, admitted, patch: null), operation, "error");
            }
        }
    }

    private async Task<(IResult, string, string)> AnswerPodAsync(HttpContext context, WebhookKind webhook, string operation, AdmissionRequest request)
    {
        if (request.Object is not { } podJson)
        {
            return (Reject(context, StatusCodes.Status400BadRequest, "request.object is missing: a pod CREATE carries the pod"), operation, "invalid");
        }

        V1Pod pod;
        try
        {
            pod = KubernetesJson.Deserialize<V1Pod>(podJson.GetRawText());
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return (Reject(context, StatusCodes.Status400BadRequest, $"request.object is not a valid Pod: {e.Message}"), operation, "invalid");
        }

        var facts = PodFacts.From(pod, request.Namespace);
        var timeout = options.Value.CacheWaitTimeout;
        if (facts.NodeName is { } node && !await cacheArrival.WaitForNodeAsync(node, timeout, context.RequestAborted))
        {
            WebhookLog.PodNodeNotCached(logger, facts.Namespace, facts.Name, node, timeout);
        }

        var decision = PodAdmission.DecideCreate(facts, snapshot, policy);
        var share = webhook == WebhookKind.Mutating ? decision.ForMutatingPodCreate() : decision.ForValidatingPodCreate();
        Log(operation, facts.Namespace, facts.Name, facts.NodeName, share, request);
        return (Respond(request.Uid, share, share.AddGate ? GatePatch.For(podJson) : null), operation, share.Outcome.ToLabelValue());
    }

    private async Task<(IResult, string, string)> AnswerBindingAsync(HttpContext context, string operation, AdmissionRequest request)
    {
        var node = StringAt(request.Object, "target", "name");
        if (string.IsNullOrEmpty(node))
        {
            return (Reject(context, StatusCodes.Status400BadRequest, "request.object.target.name is missing: a Binding names its node"), operation, "invalid");
        }

        var binding = new PodBinding(request.Namespace, request.Name, node, StringAt(request.Object, "metadata", "uid") ?? "");
        var timeout = options.Value.CacheWaitTimeout;
        if (!await cacheArrival.WaitForPodAsync(binding, timeout, context.RequestAborted))
        {
            WebhookLog.BindingPodNotCached(logger, binding.Namespace, binding.PodName, binding.PodUid, timeout);
        }

        var decision = PodAdmission.DecideBinding(binding, snapshot, policy);
        Log(operation, request.Namespace, request.Name, node, decision, request);
        return (Respond(request.Uid, decision, patch: null), operation, decision.Outcome.ToLabelValue());
    }

    private static string? StringAt(JsonElement? json, string property, string field) =>
        json is { } element
        && element.TryGetProperty(property, out var child) && child.ValueKind == JsonValueKind.Object
        && child.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private void Log(string operation, string podNamespace, string pod, string? node, AdmissionDecision decision, AdmissionRequest request)
    {
        var outcome = decision.Outcome.ToLabelValue();
        if (decision.Outcome is AdmissionOutcome.Skipped or AdmissionOutcome.Allowed && decision.AuditAnnotations.Count == 0)
        {
            WebhookLog.Passed(logger, operation, podNamespace, pod, outcome, request.Uid, request.DryRun);
        }
        else
        {
            WebhookLog.Decided(logger, operation, podNamespace, pod, node ?? "(unscheduled)", outcome, request.Uid, request.DryRun);
        }
    }

    private static IResult Respond(string uid, AdmissionDecision decision, byte[]? patch)
    {
        var response = new AdmissionResponse
        {
            Uid = uid,
            Allowed = decision.Allowed,
            Status = decision.DenialMessage is { } message
                ? new AdmissionStatus { Code = StatusCodes.Status403Forbidden, Message = message, Reason = "Forbidden" }
                : null,
            Patch = patch is null ? null : Convert.ToBase64String(patch),
            PatchType = patch is null ? null : AdmissionResponse.JsonPatchType,
            Warnings = decision.Warnings.Count > 0 ? decision.Warnings : null,
            AuditAnnotations = decision.AuditAnnotations.Count > 0 ? decision.AuditAnnotations : null,
        };
        return Results.Json(new AdmissionReview { Response = response }, WebhookJsonContext.Default.AdmissionReview);
    }

    private IResult Reject(HttpContext context, int statusCode, string reason)
    {
        WebhookLog.RequestRejected(logger, context.Request.Path, statusCode, reason);
        return Results.Problem(detail: reason, statusCode: statusCode, title: "Invalid AdmissionReview request");
    }

    /// <summary>Reads at most <see cref="MaxBodyBytes"/>; null when the body is larger.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return null;
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }
}
