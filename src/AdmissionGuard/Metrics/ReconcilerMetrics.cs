using Prometheus;

namespace AdmissionGuard.Metrics;

/// <summary>
/// The reconciler's Prometheus metrics. Composition passes the default registry's factory; tests pass a
/// factory over their own registry so they can read values without seeing each other.
/// </summary>
internal sealed class ReconcilerMetrics
{
    public const string Evicted = "evicted";
    public const string Deleted = "deleted";
    public const string BlockedByPdb = "blocked_by_pdb";
    public const string Escalated = "escalated";
    public const string DryRun = "dry_run";
    public const string Error = "error";

    public const string NodeReady = "node_ready";
    public const string NotPinned = "not_pinned";
    public const string MaxAge = "max_age";

    public ReconcilerMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        UnmanagedPods = factory.CreateGauge("admissionguard_unmanaged_pods",
            "Running pods that need the CNI, sit on a node with a ready Cilium agent, and have no CiliumEndpoint of their own.");
        PodRestarts = factory.CreateCounter("admissionguard_pod_restarts_total",
            "Restarts of unmanaged pods by result.", new CounterConfiguration { LabelNames = ["result"] });
        GatedPods = factory.CreateGauge("admissionguard_gated_pods",
            "Pods held by the admissionguard.io/cni-ready scheduling gate.");
        GateReleases = factory.CreateCounter("admissionguard_gate_releases_total",
            "Scheduling gates released, by reason.", new CounterConfiguration { LabelNames = ["reason"] });
        Leader = factory.CreateGauge("admissionguard_leader", "1 while this instance holds the leader Lease and reconciles.");
        ReconcileDuration = factory.CreateHistogram("admissionguard_reconcile_duration_seconds",
            "Duration of one reconcile cycle.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });

        // Publish every series at 0 so dashboards and alerts see them before the first event.
        BlockedPods = factory.CreateGauge("admissionguard_blocked_pods",
            "Unmanaged pods whose evictions have been refused for longer than Reconciler:BlockedAfter.");
        PausedNodes = factory.CreateGauge("admissionguard_restart_paused_nodes",
            "Nodes where restarts stopped because replacements kept coming back unmanaged (Reconciler:MaxFailedRestartsPerNode).");
        foreach (var result in new[] { Evicted, Deleted, Escalated, BlockedByPdb, DryRun, Error })
        {
            PodRestarts.WithLabels(result);
        }

        foreach (var reason in new[] { NodeReady, NotPinned, MaxAge })
        {
            GateReleases.WithLabels(reason);
        }
    }

    public Gauge UnmanagedPods { get; }

    public Gauge BlockedPods { get; }

    public Gauge PausedNodes { get; }

    public Counter PodRestarts { get; }

    public Gauge GatedPods { get; }

    public Counter GateReleases { get; }

    public Gauge Leader { get; }

    public Histogram ReconcileDuration { get; }
}
