using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Leadership;

/// <summary>Leader election log messages. Event ids 5100-5199.</summary>
internal static partial class LeadershipLog
{
    [LoggerMessage(5100, LogLevel.Information, "Leadership: leading = {Leading}")]
    public static partial void Changed(ILogger logger, bool leading);

    [LoggerMessage(5101, LogLevel.Information, "Leader is now {Identity}")]
    public static partial void NewLeader(ILogger logger, string identity);

    [LoggerMessage(5102, LogLevel.Warning, "Leader election error")]
    public static partial void ElectionError(ILogger logger, Exception exception);

    [LoggerMessage(5103, LogLevel.Information, "Leader election disabled: this instance always leads")]
    public static partial void AlwaysLeading(ILogger logger);

    [LoggerMessage(5104, LogLevel.Information, "Released Lease {Lease} so another replica can take over at once")]
    public static partial void Released(ILogger logger, string lease);

    [LoggerMessage(5105, LogLevel.Warning, "Could not release Lease {Lease}; the others take over when it expires")]
    public static partial void ReleaseFailed(ILogger logger, Exception? exception, string lease);

    [LoggerMessage(5106, LogLevel.Information, "Campaigning for Lease {Lease} as {Identity}")]
    public static partial void Campaigning(ILogger logger, string lease, string identity);
}
