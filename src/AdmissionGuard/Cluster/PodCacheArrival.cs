using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Cluster;

/// <summary><see cref="IPodArrival"/> over the pod cache: woken by its change notifications, never polling.</summary>
internal sealed class PodCacheArrival(IResourceCache<PodFacts> pods, TimeProvider time) : IPodArrival
{
    public async Task<bool> WaitForPodAsync(PodBinding binding, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var key = new ObjectKey(binding.Namespace, binding.PodName);
        if (IsCached(key, binding))
        {
            return true;
        }

        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = pods.Subscribe(change =>
        {
            if (change.New is { } pod && binding.IsFor(pod))
            {
                arrived.TrySetResult();
            }
        });

        // Looked up again after subscribing: a pod delivered between the first look and the subscription is seen here.
        if (IsCached(key, binding))
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

    private bool IsCached(ObjectKey key, PodBinding binding) => pods.Get(key) is { } pod && binding.IsFor(pod);
}
