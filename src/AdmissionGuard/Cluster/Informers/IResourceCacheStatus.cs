namespace AdmissionGuard.Cluster.Informers;

/// <summary>What every cache reports, whatever it holds: for readiness and logs.</summary>
internal interface IResourceCacheStatus
{
    /// <summary>The resource, for logs and health output, e.g. <c>pods</c>.</summary>
    string Resource { get; }

    /// <summary>The first complete list has been applied (also true once the resource is known not to be served).</summary>
    bool Synced { get; }

    /// <summary>False after the API server answered 404 for the resource (e.g. a CRD that is not installed).</summary>
    bool Served { get; }

    int Count { get; }

    /// <summary>
    /// How long the cache has been out of sync with the API server: since the first list or watch failure, dropped
    /// or expired watch of a streak (or since start, before the first list). Zero while the last list succeeded and
    /// the watch is open, and for a resource known not to be served.
    /// </summary>
    TimeSpan StaleFor { get; }

    /// <summary>
    /// Why the last list or watch attempt failed, while the cache is retrying; null once a list succeeded or a watch opened. Lets a one-shot
    /// reader (<c>scan</c>) say why it could not sync instead of only that it timed out.
    /// </summary>
    string? LastError { get; }

    /// <summary>Completes once <see cref="Synced"/> is true.</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken);
}
