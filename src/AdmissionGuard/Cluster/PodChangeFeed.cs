using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Cluster;

namespace AdmissionGuard.Cluster;

/// <summary>
/// <see cref="IPodChangeFeed"/> from the pod and CiliumEndpoint caches' change notifications (a relist reports what it
/// added, changed and removed). Subscribed for as long as the caches run: its reader, the reconcile loop's detector,
/// lives as long.
/// </summary>
/// <remarks>
/// Bounded: a replica that does not lead never takes, while the pods of a busy cluster come and go under new names.
/// Past <c>capacity</c> names it forgets them and answers "look at every pod" once, which costs the reader one full pass.
/// </remarks>
internal sealed class PodChangeFeed : IPodChangeFeed
{
    private readonly Lock _lock = new();
    private readonly int _capacity;
    private HashSet<PodName> _changed = [];

    // Until the first take the reader has judged nothing and looks at every pod anyway: the caches' first lists (every
    // pod and endpoint of the cluster) are not recorded name by name.
    private bool _overflowed = true;

    public PodChangeFeed(ClusterCaches caches, int capacity = 65_536)
    {
        _capacity = capacity;
        caches.Pods.Subscribe(change => Record(change.Key));
        caches.Endpoints.Subscribe(change => Record(change.Key));
    }

    public IReadOnlyCollection<PodName>? TakeChanged()
    {
        lock (_lock)
        {
            var taken = _overflowed ? null : _changed;
            _changed = [];
            _overflowed = false;
            return taken;
        }
    }

    private void Record(ObjectKey key)
    {
        lock (_lock)
        {
            if (_overflowed)
            {
                return;
            }

            if (_changed.Count >= _capacity)
            {
                _changed = [];
                _overflowed = true;
                return;
            }

            _changed.Add(new PodName(key.Namespace, key.Name));
        }
    }
}
