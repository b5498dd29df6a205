namespace AdmissionGuard.Core.Cluster;

/// <summary>
/// Which pods changed since the reader last asked: the pod's facts, or the CiliumEndpoint of the same namespace/name,
/// added, modified or deleted. Lets a pass over every pod of a large cluster look again only at those. One reader per
/// feed.
/// </summary>
public interface IPodChangeFeed
{
    /// <summary>
    /// Each pod or CiliumEndpoint that changed since the previous call, once; null when the reader must look at every
    /// pod: more changed than the feed keeps track of, or it is the first call (the reader has seen nothing yet).
    /// </summary>
    IReadOnlyCollection<PodName>? TakeChanged();
}
