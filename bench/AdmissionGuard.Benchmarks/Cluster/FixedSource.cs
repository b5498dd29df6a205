using System.Runtime.CompilerServices;
using AdmissionGuard.Cluster.Informers;
using k8s;

namespace AdmissionGuard.Benchmarks.Cluster;

/// <summary>A resource that lists the given objects in one page and then watches quietly.</summary>
internal sealed class FixedSource<T>(string resource, params IReadOnlyList<T> items) : IListWatchClient<T>
{
    public string Resource => resource;

    public Task<ListPage<T>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken) =>
        Task.FromResult(new ListPage<T>(items, "1", null));

    public Task<IAsyncEnumerable<(WatchEventType Type, T Object)>> WatchAsync(
        string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(Quiet(cancellationToken));

    private static async IAsyncEnumerable<(WatchEventType Type, T Object)> Quiet([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
