using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Admission;

namespace AdmissionGuard.Cluster;

/// <summary><see cref="ICacheArrival"/> over the caches: woken by their change notifications, never polling.</summary>
internal sealed class CacheArrival(ClusterCaches caches, TimeProvider time) : ICacheArrival
{
    // Every admission request asks, and almost always the object is there: that answer allocates nothing (no delegate,
    // no closure, no task), which is why the match takes its state as an argument rather than capturing it.
    private static readonly Task<bool> Cached = Task.FromResult(true);

    public Task<bool> WaitForPodAsync(PodBinding binding, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return WaitAsync(caches.Pods, new ObjectKey(binding.Namespace, binding.PodName), binding, static (pod, binding) => binding.IsFor(pod), timeout, cancellationToken);
    }

    public Task<bool> WaitForNodeAsync(string name, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync(caches.Nodes, new ObjectKey("", name), name, static (_, _) => true, timeout, cancellationToken);

    private Task<bool> WaitAsync<TFacts, TState>(
        IResourceCache<TFacts> cache, ObjectKey key, TState state, Func<TFacts, TState, bool> matches, TimeSpan timeout, CancellationToken cancellationToken)
        where TFacts : class =>
        IsCached(cache, key, state, matches) ? Cached : WaitForArrivalAsync(cache, key, state, matches, timeout, cancellationToken);

    private static bool IsCached<TFacts, TState>(IResourceCache<TFacts> cache, ObjectKey key, TState state, Func<TFacts, TState, bool> matches)
        where TFacts : class =>
        cache.Get(key) is { } facts && matches(facts, state);

    private async Task<bool> WaitForArrivalAsync<TFacts, TState>(
        IResourceCache<TFacts> cache, ObjectKey key, TState state, Func<TFacts, TState, bool> matches, TimeSpan timeout, CancellationToken cancellationToken)
        where TFacts : class
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = cache.Subscribe(change =>
        {
            if (change.Key == key && change.New is { } facts && matches(facts, state))
            {
                arrived.TrySetResult();
            }
        });

        // Looked up again after subscribing: an object delivered between the first look and the subscription is seen here.
        if (IsCached(cache, key, state, matches))
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
