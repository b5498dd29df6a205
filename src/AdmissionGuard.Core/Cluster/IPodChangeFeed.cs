namespace AdmissionGuard.Core.Cluster;

/// <summary>
/// Which pods changed since the reader last asked: the pod's facts, or the CiliumEndpoint of the same namespace/name,
/// added, modified or deleted. Lets a pass over every pod of a large cluster look again only at those. Records from
/// the moment it is created; one reader per feed.
/// </summary>
public interface IPodChangeFeed
{
    /// <summary>
    /// Each pod or CiliumEndpoint that changed since the previous call (since the feed was created, the first time),
    /// once; null when more changed than the feed keeps track of, so that the reader must look at every pod.
    /// </summary>
    IReadOnlyCollection<PodName>? TakeChanged();
}
