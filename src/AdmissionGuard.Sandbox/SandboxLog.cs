using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox;

/// <summary>Log messages of the sandbox API server (event ids 6000-6099).</summary>
internal static partial class SandboxLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "Unexpected error serving {Method} {Path}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Admission webhook {Webhook} failed ({FailurePolicy}): {Reason}")]
    public static partial void WebhookCallFailed(ILogger logger, string webhook, string failurePolicy, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Sandbox API server listening on {HttpUrl} and {HttpsUrl}; kubeconfig {Kubeconfig}")]
    public static partial void Started(ILogger logger, Uri httpUrl, Uri httpsUrl, string kubeconfig);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Debug, Message = "Watch of {Resource} ended: {Reason}")]
    public static partial void WatchEnded(ILogger logger, string resource, string reason);
}
