using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox;

/// <summary>Log messages of the sandbox API server.</summary>
internal static partial class SandboxLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Unexpected error serving {Method} {Path}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Admission webhook {Webhook} failed ({FailurePolicy}): {Reason}")]
    public static partial void WebhookCallFailed(ILogger logger, string webhook, string failurePolicy, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Sandbox API server listening on {HttpUrl} and {HttpsUrl}; kubeconfig {Kubeconfig}")]
    public static partial void Started(ILogger logger, Uri httpUrl, Uri httpsUrl, string kubeconfig);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Watch of {Resource} ended: {Reason}")]
    public static partial void WatchEnded(ILogger logger, string resource, string reason);
}
