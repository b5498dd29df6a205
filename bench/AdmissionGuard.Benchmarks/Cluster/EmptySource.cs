using System.Runtime.CompilerServices;
using AdmissionGuard.Cluster.Informers;
using k8s;

namespace AdmissionGuard.Benchmarks.Cluster;

/// <summary>A resource with nothing in it and a quiet watch.</summary>
internal sealed class EmptySource<T>(string resource) : IListWatchClient<T>
{
    public string Resource => resource;

    public Task<ListPage<T>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken) =>
        Task.FromResult(new ListPage<T>([], "1", null));

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
