using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Admission;

namespace AdmissionGuard.Cluster;

/// <summary><see cref="ICacheArrival"/> over the caches: woken by their change notifications, never polling.</summary>
internal sealed class CacheArrival(ClusterCaches caches, TimeProvider time) : ICacheArrival
{
    public Task<bool> WaitForPodAsync(PodBinding binding, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return WaitAsync(caches.Pods, new ObjectKey(binding.Namespace, binding.PodName), binding.IsFor, timeout, cancellationToken);
    }

    public Task<bool> WaitForNodeAsync(string name, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync(caches.Nodes, new ObjectKey("", name), _ => true, timeout, cancellationToken);

    private async Task<bool> WaitAsync<TFacts>(
        IResourceCache<TFacts> cache, ObjectKey key, Func<TFacts, bool> matches, TimeSpan timeout, CancellationToken cancellationToken)
        where TFacts : class
    {
        bool IsCached() => cache.Get(key) is { } facts && matches(facts);

        if (IsCached())
        {
            return true;
        }

        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = cache.Subscribe(change =>
        {
            if (change.Key == key && change.New is { } facts && matches(facts))
            {
                arrived.TrySetResult();
            }
        });

        // Looked up again after subscribing: an object delivered between the first look and the subscription is seen here.
        if (IsCached())
        {
            return true;
        }

        try
        {
            await arrived.Task.WaitAsync(timeout, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
