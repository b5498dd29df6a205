using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Cluster;

namespace AdmissionGuard.Cluster;

/// <summary>
/// <see cref="IPodChangeFeed"/> from the pod and CiliumEndpoint caches' change notifications (a relist reports what it
/// added, changed and removed). Subscribed for as long as the caches run: its reader, the reconcile loop's detector,
/// lives as long.
/// </summary>
internal sealed class PodChangeFeed : IPodChangeFeed
{
    private readonly Lock _lock = new();
    private HashSet<PodName> _changed = [];

    public PodChangeFeed(ClusterCaches caches)
    {
        caches.Pods.Subscribe(change => Record(change.Key));
        caches.Endpoints.Subscribe(change => Record(change.Key));
    }

    public IReadOnlyCollection<PodName> TakeChanged()
    {
        lock (_lock)
        {
            var taken = _changed;
            _changed = [];
            return taken;
        }
    }

    private void Record(ObjectKey key)
    {
        lock (_lock)
        {
            _changed.Add(new PodName(key.Namespace, key.Name));
        }
    }
}
