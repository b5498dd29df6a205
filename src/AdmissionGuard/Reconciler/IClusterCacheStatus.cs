namespace AdmissionGuard.Reconciler;

/// <summary>
/// Whether every watch-fed cache has listed once. Until then a pod may seem to have no CiliumEndpoint only
/// because the endpoints are not loaded yet, so the reconciler must not act. Implemented by the caches.
/// </summary>
public interface IClusterCacheStatus
{
    bool Synced { get; }
}
