using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using Microsoft.Extensions.Hosting;

namespace AdmissionGuard.Reconciler;

/// <summary>
/// Starts a reconcile cycle as soon as something it acts on changes, instead of waiting for the interval: a
/// node losing its taint, an agent pod becoming Ready, an endpoint appearing or going, a pod created or gone.
/// Pod updates are left to the interval: at 50,000 pods they are constant, and pulses would only coalesce.
/// </summary>
internal sealed class ReconcileOnClusterChanges(ClusterCaches caches, IReconcileTrigger trigger) : IHostedService
{
    private readonly List<IDisposable> _subscriptions = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(caches.Nodes.Subscribe(_ => trigger.Pulse()));
        _subscriptions.Add(caches.AgentPods.Subscribe(_ => trigger.Pulse()));
        _subscriptions.Add(caches.Endpoints.Subscribe(_ => trigger.Pulse()));
        _subscriptions.Add(caches.Pods.Subscribe(change =>
        {
            if (change.Kind != CacheChangeKind.Modified)
            {
                trigger.Pulse();
            }
        }));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscriptions.ForEach(subscription => subscription.Dispose());
        _subscriptions.Clear();
        return Task.CompletedTask;
    }
}
