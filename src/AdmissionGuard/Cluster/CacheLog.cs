using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Cluster;

/// <summary>Log messages of the cluster caches (event ids 2000-2099).</summary>
internal static partial class CacheLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Cache {Resource} listed {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string resource, int count, string resourceVersion);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "Cache {Resource}: resourceVersion {ResourceVersion} expired, relisting in {Delay}")]
    public static partial void Expired(ILogger logger, string resource, string resourceVersion, TimeSpan delay);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Cache {Resource}: list failed, retrying in {Delay}")]
    public static partial void ListFailed(ILogger logger, string resource, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Cache {Resource}: watch from resourceVersion {ResourceVersion} failed, resuming in {Delay}")]
    public static partial void WatchFailed(ILogger logger, string resource, string resourceVersion, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information,
        Message = "Cache {Resource}: watch from resourceVersion {ResourceVersion} ended early without events, resuming in {Delay}")]
    public static partial void WatchDropped(ILogger logger, string resource, string resourceVersion, TimeSpan delay);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "Cache {Resource}: the API server does not serve this resource; looking again in {Delay}")]
    public static partial void NotServed(ILogger logger, string resource, TimeSpan delay);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information,
        Message = "Cache {Resource}: the resource is served now")]
    public static partial void ServedAgain(ILogger logger, string resource);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning,
        Message = "Cache {Resource}: skipped {Namespace}/{Name}, it could not be read")]
    public static partial void ProjectionFailed(ILogger logger, string resource, string @namespace, string name, Exception exception);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Error,
        Message = "Cache {Resource}: a change subscriber failed")]
    public static partial void SubscriberFailed(ILogger logger, string resource, Exception exception);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information,
        Message = "Cluster caches synced: {Resources}")]
    public static partial void AllSynced(ILogger logger, string resources);
}
