namespace AdmissionGuard.Webhook;

/// <summary>Log messages of the webhook and its certificate (event ids 3000-3099 are stable).</summary>
internal static partial class WebhookLog
{
    // Debug: a malformed request is counted, and summarized at most once a minute by event 3007.
    [LoggerMessage(3000, LogLevel.Debug, "Rejected an admission request to {Path} with {StatusCode}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, string path, int statusCode, string reason);

    // Debug like every per-request line: at the apiserver's pace, one line per request costs more than the decision.
    [LoggerMessage(3001, LogLevel.Debug, "{Operation} {Namespace}/{Pod} on node {Node}: {Decision} (uid {Uid}, dryRun {DryRun})")]
    public static partial void Decided(ILogger logger, string operation, string @namespace, string pod, string node, string decision, string uid, bool dryRun);

    [LoggerMessage(3002, LogLevel.Debug, "{Operation} {Namespace}/{Pod}: {Decision} (uid {Uid}, dryRun {DryRun})")]
    public static partial void Passed(ILogger logger, string operation, string @namespace, string pod, string decision, string uid, bool dryRun);

    [LoggerMessage(3003, LogLevel.Error, "Could not evaluate {Operation} {Namespace}/{Pod} (uid {Uid}); admitted it unchecked")]
    public static partial void EvaluationFailed(ILogger logger, Exception exception, string operation, string @namespace, string pod, string uid);

    [LoggerMessage(3004, LogLevel.Warning, "Pod {Namespace}/{Pod} (uid {Uid}) of a binding did not reach the pod cache within {Timeout}")]
    public static partial void BindingPodNotCached(ILogger logger, string @namespace, string pod, string uid, TimeSpan timeout);

    [LoggerMessage(3005, LogLevel.Warning, "Node {Node} of pod {Namespace}/{Pod} did not reach the node cache within {Timeout}")]
    public static partial void PodNodeNotCached(ILogger logger, string @namespace, string pod, string node, TimeSpan timeout);

    [LoggerMessage(3006, LogLevel.Information, "Answered {Count} admission requests in the last {Interval}: {ByDecision}")]
    public static partial void Summary(ILogger logger, long count, TimeSpan interval, string byDecision);

    [LoggerMessage(3007, LogLevel.Warning, "Rejected {Count} malformed admission requests in the last {Interval} (400/413, counted as decision=\"invalid\"); the latest: {Reason}")]
    public static partial void RejectedSummary(ILogger logger, long count, TimeSpan interval, string reason);

    [LoggerMessage(3010, LogLevel.Information, "Serving certificate {Subject} (thumbprint {Thumbprint}, expires {NotAfter:o}) loaded from {CertFile}")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string thumbprint, DateTimeOffset notAfter, string certFile);

    [LoggerMessage(3011, LogLevel.Warning, "Could not load the serving certificate from {CertFile} and {KeyFile}; keeping the previous one: {Reason}")]
    public static partial void CertificateLoadFailed(ILogger logger, string certFile, string keyFile, string reason);

    [LoggerMessage(3013, LogLevel.Information, "No serving certificate at {CertFile} yet; waiting for it")]
    public static partial void CertificateAwaited(ILogger logger, string certFile);

    [LoggerMessage(3012, LogLevel.Warning, "Watching {Directory} for certificate changes failed; relying on the periodic re-check")]
    public static partial void CertificateWatchFailed(ILogger logger, Exception exception, string directory);
}
