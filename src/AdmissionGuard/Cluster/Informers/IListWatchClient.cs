using k8s;

namespace AdmissionGuard.Cluster.Informers;

/// <summary>
/// The two API calls an informer needs, for one resource. Implementations translate the API server's answers:
/// 410 Gone / Expired (on a list continue token or as a watch ERROR event) becomes
/// <see cref="ResourceExpiredException"/>, 404 for the resource becomes <see cref="ResourceNotServedException"/>.
/// </summary>
internal interface IListWatchClient<TObject>
{
    string Resource { get; }

    Task<ListPage<TObject>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a watch from <paramref name="resourceVersion"/> with bookmarks; completes once the API server has
    /// accepted it (so that a quiet but open stream counts as in sync), then yields its events. The server ends the
    /// stream after <paramref name="timeout"/>. ERROR events never come out: they are thrown.
    /// </summary>
    Task<IAsyncEnumerable<(WatchEventType Type, TObject Object)>> WatchAsync(
        string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken);
}
