using AdmissionGuard.Metrics;
using AdmissionGuard.Reconciler;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Leadership;

/// <summary>
/// The current answer to "do we lead?", kept in step with the <c>admissionguard_leader</c> gauge. Gaining
/// leadership pulses the reconciler so the new leader acts at once instead of at the next interval; losing it
/// zeroes the gauges only the leader keeps current, so sums across replicas do not count stale values.
/// </summary>
internal sealed class LeadershipState(ReconcilerMetrics metrics, IReconcileTrigger trigger, ILogger<LeadershipState> logger) : ILeadership
{
    private volatile bool _isLeader;
    private int _term;

    public bool IsLeader => _isLeader;

    public int Term => Volatile.Read(ref _term);

    public void Set(bool leading)
    {
        if (_isLeader == leading)
        {
            return;
        }

        if (leading)
        {
            Interlocked.Increment(ref _term);
        }

        _isLeader = leading;
        metrics.Leader.Set(leading ? 1 : 0);
        LeadershipLog.Changed(logger, leading);
        if (leading)
        {
            trigger.Pulse();
        }
        else
        {
            metrics.UnmanagedPods.Set(0);
            metrics.BlockedPods.Set(0);
            metrics.PausedNodes.Set(0);
            metrics.GatedPods.Set(0);
        }
    }
}
