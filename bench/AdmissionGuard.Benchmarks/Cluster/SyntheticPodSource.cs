using System.Runtime.CompilerServices;
using AdmissionGuard.Cluster.Informers;
using k8s;

namespace AdmissionGuard.Benchmarks.Cluster;

/// <summary>Lists <see cref="SyntheticPods"/> page by page; its watch stays open and quiet.</summary>
internal sealed class SyntheticPodSource(int count) : IListWatchClient<DecodedPod>
{
    public string Resource => "pods";

    public Task<ListPage<DecodedPod>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken)
    {
        var first = continueToken is null ? 0 : int.Parse(continueToken, System.Globalization.CultureInfo.InvariantCulture);
        var size = Math.Min(limit, count - first);
        var next = first + size < count ? (first + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new ListPage<DecodedPod>(SyntheticPods.Page(first, size), "1", next));
    }

    public Task<IAsyncEnumerable<(WatchEventType Type, DecodedPod Object)>> WatchAsync(
        string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(Quiet(cancellationToken));

    private static async IAsyncEnumerable<(WatchEventType Type, DecodedPod Object)> Quiet([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
