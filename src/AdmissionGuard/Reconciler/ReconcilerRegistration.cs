using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Cluster.Owners;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Leadership;
using AdmissionGuard.Metrics;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Reconciler;

internal static class ReconcilerRegistration
{
    /// <summary>
    /// Adds the leader election and the reconcile loop (both idle when <c>Reconciler:Enabled</c> is false).
    /// Needs the settings (<see cref="GuardSettings.AddGuardSettings"/>) and the cluster caches
    /// (<see cref="ClusterCachesExtensions.AddClusterCaches"/>); provides <see cref="IReconcileTrigger"/> for them to pulse and
    /// <see cref="ILeadership"/>.
    /// </summary>
    public static WebApplicationBuilder AddReconciler(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetricsRegistry();
        services.TryAddSingleton(sp => new ReconcilerMetrics(sp.GetMetricFactory()));

        services.AddSingleton(sp => ReconcilerSettings.From(
            sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value,
            sp.GetRequiredService<AdmissionPolicy>()));
        services.AddSingleton<RestartLedger>();
        services.AddSingleton<ReconcileTrigger>();
        services.AddSingleton<IReconcileTrigger>(sp => sp.GetRequiredService<ReconcileTrigger>());
        services.AddSingleton<LeadershipState>();
        services.AddSingleton<ILeadership>(sp => sp.GetRequiredService<LeadershipState>());
        services.AddSingleton<KubernetesPodActions>();
        services.AddSingleton<IPodActions>(sp => new RateLimitedPodActions(
            sp.GetRequiredService<KubernetesPodActions>(),
            new WriteRateLimiter(sp.GetRequiredService<ReconcilerSettings>().WritesPerSecond, sp.GetRequiredService<TimeProvider>())));
        services.TryAddSingleton<OwnerCaches>();
        services.TryAddSingleton<IWorkloadOwners>(sp => sp.GetRequiredService<OwnerCaches>());
        services.AddSingleton<EventThrottle>();
        services.AddSingleton<IRestartHistory>(sp => new KubernetesRestartHistory(
            KubernetesResources.Events(sp.GetRequiredService<Kubernetes>(), $"source={KubernetesPodEventRecorder.Component}")));
        services.AddSingleton<IPodEventRecorder, KubernetesPodEventRecorder>();
        services.AddSingleton<ReconcileCycle>();
        services.AddSingleton<Func<ILock>>(sp => () =>
        {
            var options = sp.GetRequiredService<IOptions<LeaderElectionOptions>>().Value;
            return new LeaseLock(sp.GetRequiredService<IKubernetes>(), options.LeaseNamespace, options.LeaseName, options.Identity);
        });

        // Only a replica that reconciles may hold the Lease: the webhook gates pods only while a leader's Lease
        // is fresh, because the leader is who releases the gates. Stop order is the reverse of this order, so
        // the loop stops acting before the Lease is released.
        if (builder.Configuration.GetValue($"{ReconcilerOptions.SectionName}:{nameof(ReconcilerOptions.Enabled)}", true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<OwnerCaches>());
            services.AddHostedService<LeaderElectionService>();
            services.AddHostedService<ReconcileLoop>();
            services.AddHostedService<ReconcileOnClusterChanges>();
        }

        return builder;
    }
}
