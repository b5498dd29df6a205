namespace AdmissionGuard.Cluster;

/// <summary>
/// Whether every watch-fed cache has listed once. Until then a pod may seem to have no CiliumEndpoint only
/// because the endpoints are not loaded yet, so the reconciler must not act. Implemented by <see cref="ClusterCaches"/>; the reconciler waits on it.
/// </summary>
internal interface IClusterCacheStatus
{
    bool Synced { get; }
}
