namespace AdmissionGuard.Cluster.Informers;

/// <summary>
/// The read side of an informer: the slim facts of every object of one resource, kept current by list+watch.
/// Safe for concurrent readers; one writer (the informer loop).
/// </summary>
internal interface IResourceCache<TFacts> : IResourceCacheStatus
    where TFacts : class
{
    /// <summary>Grows with every change: lets readers rebuild derived indexes only when something changed.</summary>
    long Version { get; }

    /// <summary>A copy taken at the call, in the order the objects were first stored (the first list's order).</summary>
    IEnumerable<TFacts> Items { get; }

    TFacts? Get(ObjectKey key);

    /// <summary>
    /// Calls <paramref name="onChange"/> after every change is applied, on the informer's loop: keep it short and
    /// non-blocking (set a flag, signal a channel). A relist reports what it added, changed and removed.
    /// Dispose the result to unsubscribe.
    /// </summary>
    IDisposable Subscribe(Action<CacheChange<TFacts>> onChange);
}
