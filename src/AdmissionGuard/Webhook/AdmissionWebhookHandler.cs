using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using AdmissionGuard.Cluster;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Metrics;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Webhook;

/// <summary>
/// Translates AdmissionReviews into Core decisions and back: reads the body, decodes it once
/// (<see cref="AdmissionReviewReader"/>), dispatches on the <see cref="RequestKind"/>, and writes the
/// <see cref="WebhookAnswer"/>. Every rule lives in <see cref="PodAdmission"/>.
/// </summary>
internal sealed class AdmissionWebhookHandler(
    IClusterSnapshot snapshot,
    ICacheArrival cacheArrival,
    AdmissionPolicy policy,
    IOptions<AdmissionOptions> options,
    AdmissionMetrics metrics,
    AdmissionLogSummary summary,
    TimeProvider timeProvider,
    ILogger<AdmissionWebhookHandler> logger)
{
    /// <summary>The apiserver never sends more (its own request limit is 3 MiB); larger bodies get 413.</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    private const string InternalErrorWarning = "AdmissionGuard could not check this request (internal error); admitted unchecked";

    // One response buffer and writer per thread, reused: an answer is written and copied out without an await between.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    public async Task HandleAsync(HttpContext context, WebhookKind webhook)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = timeProvider.GetTimestamp();
        var answer = await AnswerAsync(context, webhook);
        if (answer is RejectedAnswer rejected)
        {
            WebhookLog.RequestRejected(logger, context.Request.Path, rejected.Status, rejected.Reason);
        }

        summary.Count(answer);
        Write(context.Response, answer);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        metrics.Record(answer.Operation, answer.Decision, timeProvider.GetElapsedTime(started));
    }

    private async ValueTask<WebhookAnswer> AnswerAsync(HttpContext context, WebhookKind webhook)
    {
        var unreadable = Operations.Unreadable(webhook);
        AdmissionRequest request;
        try
        {
            var (read, status, problem) = await ReadAsync(context.Request.BodyReader, context.Request.ContentLength, context.RequestAborted);
            if (read is null)
            {
                return new RejectedAnswer(unreadable, status, problem!);
            }

            request = read;
        }
        catch (BadHttpRequestException e)
        {
            return new RejectedAnswer(unreadable, e.StatusCode, e.Message);
        }
        catch (IOException e)
        {
            return new RejectedAnswer(unreadable, StatusCodes.Status400BadRequest, $"could not read the request body: {e.Message}");
        }

        var kind = request.KindFor(webhook);
        var operation = Operations.For(webhook, kind);
        try
        {
            return kind switch
            {
                RequestKind.PodCreate => await AnswerPodAsync(context, webhook, operation, request),
                RequestKind.BindingCreate => await AnswerBindingAsync(context, operation, request),
                _ => new ReviewAnswer(operation, request.Uid, new AdmissionDecision { Outcome = AdmissionOutcome.Skipped }),
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
            return new ReviewAnswer(operation, Operations.Error, request.Uid, admitted);
        }
    }

    private async ValueTask<WebhookAnswer> AnswerPodAsync(HttpContext context, WebhookKind webhook, string operation, AdmissionRequest request)
    {
        if (request.Object is not { } pod)
        {
            return new RejectedAnswer(operation, StatusCodes.Status400BadRequest, "request.object is missing: a pod CREATE carries the pod");
        }

        if (request.ObjectProblem is { } problem)
        {
            return new RejectedAnswer(operation, StatusCodes.Status400BadRequest, $"request.object is not a valid Pod: {problem}");
        }

        var facts = pod.ToPodFacts(request.Namespace);
        var timeout = options.Value.CacheWaitTimeout;
        if (facts.NodeName is { } node && !await cacheArrival.WaitForNodeAsync(node, timeout, context.RequestAborted))
        {
            WebhookLog.PodNodeNotCached(logger, facts.Namespace, facts.Name, node, timeout);
        }

        var decision = PodAdmission.DecideCreate(facts, snapshot, policy);
        var share = webhook == WebhookKind.Mutating ? decision.ForMutatingPodCreate() : decision.ForValidatingPodCreate();
        Log(operation, facts.Namespace, facts.Name, facts.NodeName, share, request);
        return new ReviewAnswer(operation, request.Uid, share, GatePatch.ShapeOf(pod));
    }

    private async ValueTask<WebhookAnswer> AnswerBindingAsync(HttpContext context, string operation, AdmissionRequest request)
    {
        if (request.ObjectProblem is { } problem)
        {
            return new RejectedAnswer(operation, StatusCodes.Status400BadRequest, $"request.object is not a valid Binding: {problem}");
        }

        if (string.IsNullOrEmpty(request.Object?.TargetName))
        {
            return new RejectedAnswer(operation, StatusCodes.Status400BadRequest, "request.object.target.name is missing: a Binding names its node");
        }

        var node = request.Object.TargetName;
        var binding = new PodBinding(request.Namespace, request.Name, node, request.Object.Uid ?? "");
        var timeout = options.Value.CacheWaitTimeout;
        if (!await cacheArrival.WaitForPodAsync(binding, timeout, context.RequestAborted))
        {
            WebhookLog.BindingPodNotCached(logger, binding.Namespace, binding.PodName, binding.PodUid, timeout);
        }

        var decision = PodAdmission.DecideBinding(binding, snapshot, policy);
        Log(operation, request.Namespace, request.Name, node, decision, request);
        return new ReviewAnswer(operation, request.Uid, decision);
    }

    private void Log(string operation, string podNamespace, string pod, string? node, AdmissionDecision decision, AdmissionRequest request)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

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

    /// <summary>Reads the whole body, at most <see cref="MaxBodyBytes"/>, and decodes it.</summary>
    private static async ValueTask<(AdmissionRequest? Request, int Status, string? Problem)> ReadAsync(PipeReader body, long? contentLength, CancellationToken cancellationToken)
    {
        const string TooLarge = "the body exceeds 3145728 bytes (3 MiB)";
        if (contentLength > MaxBodyBytes)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, TooLarge);
        }

        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (buffer.Length > MaxBodyBytes)
            {
                body.AdvanceTo(buffer.End);
                return (null, StatusCodes.Status413PayloadTooLarge, TooLarge);
            }

            if (read.IsCompleted)
            {
                try
                {
                    return Decode(buffer);
                }
                finally
                {
                    body.AdvanceTo(buffer.End);
                }
            }

            body.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static (AdmissionRequest? Request, int Status, string? Problem) Decode(ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment)
        {
            return Decode(body.FirstSpan);
        }

        var copy = ArrayPool<byte>.Shared.Rent((int)body.Length);
        try
        {
            body.CopyTo(copy);
            return Decode(copy.AsSpan(0, (int)body.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static (AdmissionRequest? Request, int Status, string? Problem) Decode(ReadOnlySpan<byte> body) =>
        AdmissionReviewReader.TryRead(body, out var request, out var problem)
            ? (request, StatusCodes.Status200OK, null)
            : (null, StatusCodes.Status400BadRequest, problem);

    /// <summary>Writes the answer into the thread's buffer and copies it to the response, before any await.</summary>
    private static void Write(HttpResponse response, WebhookAnswer answer)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var json = t_json ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        answer.Write(json);
        json.Flush();
        response.StatusCode = answer.StatusCode;
        response.ContentType = answer.ContentType;
        response.ContentLength = buffer.WrittenCount;
        response.BodyWriter.Write(buffer.WrittenSpan);
    }
}
