using Prometheus;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// The admission webhook metrics kube-apiserver serves on <c>/metrics</c> (k8s.io/apiserver/pkg/admission/metrics),
/// with its names, help texts (stability level first, as Kubernetes' metrics print it), labels and buckets, in a
/// registry of this sandbox's own. Labels are declared in name order, the order Prometheus' Go client prints them in.
/// <c>type</c> is <c>admit</c> for mutating and <c>validating</c> for validating webhooks; status codes above 600
/// count as 600.
/// </summary>
public sealed class AdmissionMetrics
{
    private const string Namespace = "apiserver_admission_";
    private const int HighestCode = 600;

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Histogram _duration;
    private readonly Counter _requests;
    private readonly Counter _rejections;
    private readonly Counter _failOpen;
    private readonly Counter _conditionErrors;

    public AdmissionMetrics()
    {
        var metrics = Metrics.WithCustomRegistry(_registry);
        _duration = metrics.CreateHistogram(
            Namespace + "webhook_admission_duration_seconds",
            "[STABLE] Admission webhook latency histogram in seconds, identified by name and broken out for each operation and API resource and type (validate or admit).",
            new HistogramConfiguration { LabelNames = ["name", "operation", "rejected", "type"], Buckets = [0.005, 0.025, 0.1, 0.5, 1.0, 2.5, 10, 25] });
        _requests = metrics.CreateCounter(
            Namespace + "webhook_request_total",
            "[ALPHA] Admission webhook request total, identified by name and broken out for each admission type (validating or admit) and operation. Additional labels specify whether the request was rejected or not and an HTTP status code. Codes greater than 600 are truncated to 600, to keep the metrics cardinality bounded.",
            "code", "name", "operation", "rejected", "type");
        _rejections = metrics.CreateCounter(
            Namespace + "webhook_rejection_count",
            "[ALPHA] Admission webhook rejection count, identified by name and broken out for each admission type (validating or admit) and operation. Additional labels specify an error type (calling_webhook_error or apiserver_internal_error if an error occurred; no_error otherwise) and optionally a non-zero rejection code if the webhook rejects the request with an HTTP status code (honored by the apiserver when the code is greater or equal to 400). Codes greater than 600 are truncated to 600, to keep the metrics cardinality bounded.",
            "error_type", "name", "operation", "rejection_code", "type");
        _failOpen = metrics.CreateCounter(
            Namespace + "webhook_fail_open_count",
            "[ALPHA] Admission webhook fail open count, identified by name and broken out for each admission type (validating or admit).",
            "name", "type");
        _conditionErrors = metrics.CreateCounter(
            Namespace + "match_condition_evaluation_errors_total",
            "[ALPHA] Admission match condition evaluation errors count, identified by name of resource containing the match condition and broken out for each kind containing matchConditions (webhook or policy), operation and admission type (validate or admit).",
            "kind", "name", "operation", "type");
    }

    /// <summary>Why a call counts as a rejection in <c>webhook_rejection_count</c>.</summary>
    internal enum RejectionKind
    {
        /// <summary>The webhook answered <c>allowed: false</c>.</summary>
        NoError,

        /// <summary>The call failed (unreachable, timed out, an HTTP error, an unusable answer) under failurePolicy Fail.</summary>
        CallingWebhookError,

        /// <summary>The apiserver could not use the answer (a patch it cannot apply).</summary>
        ApiserverInternalError,
    }

    /// <summary>Every family in Prometheus' text format, as <c>kubectl get --raw /metrics</c> shows them.</summary>
    public Task WriteAsync(Stream destination, CancellationToken cancellationToken) =>
        _registry.CollectAndExportAsTextAsync(destination, cancellationToken);

    /// <summary>One webhook call, as kube-apiserver's dispatchers observe it once per call.</summary>
    internal void ObserveCall(string webhook, bool mutating, string operation, TimeSpan elapsed, bool rejected, int code)
    {
        var type = TypeOf(mutating);
        var refused = rejected ? "true" : "false";
        _requests.WithLabels(Code(code), webhook, operation, refused, type).Inc();
        _duration.WithLabels(webhook, operation, refused, type).Observe(elapsed.TotalSeconds);
    }

    internal void ObserveRejection(string webhook, bool mutating, string operation, RejectionKind kind, int code)
    {
        var errorType = kind switch
        {
            RejectionKind.NoError => "no_error",
            RejectionKind.CallingWebhookError => "calling_webhook_error",
            _ => "apiserver_internal_error",
        };
        _rejections.WithLabels(errorType, webhook, operation, Code(code), TypeOf(mutating)).Inc();
    }

    internal void ObserveFailOpen(string webhook, bool mutating) => _failOpen.WithLabels(webhook, TypeOf(mutating)).Inc();

    /// <summary>A webhook's matchCondition that failed to evaluate (a ValidatingAdmissionPolicy's are not counted here).</summary>
    internal void ObserveMatchConditionError(string webhook, bool mutating, string operation) =>
        _conditionErrors.WithLabels("webhook", webhook, operation, TypeOf(mutating)).Inc();

    private static string TypeOf(bool mutating) => mutating ? "admit" : "validating";

    private static string Code(int code) => Math.Min(code, HighestCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
