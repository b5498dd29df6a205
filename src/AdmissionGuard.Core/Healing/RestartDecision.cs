namespace AdmissionGuard.Core.Healing;

public enum RestartDecision
{
    Restart,

    /// <summary>Dry run: what <see cref="Restart"/> would have been.</summary>
    WouldRestart,

    /// <summary>Evictions were refused for <c>Reconciler:EscalateBlockedAfter</c>: delete the pod (UID precondition) instead.</summary>
    DeleteBlocked,

    /// <summary>A bare pod: nothing would recreate it, so a restart would be a deletion.</summary>
    SkipNoController,

    /// <summary>The pod (namespace/name) was restarted less than the cool-down ago.</summary>
    SkipCoolingDown,

    /// <summary>The controller already has as many pods unavailable (restarts in flight included) as its allowance.</summary>
    SkipOwnerInFlight,

    /// <summary>Reconciler:MaxRestartsInFlight restarts are in flight across the cluster.</summary>
    SkipGlobalCap,

    /// <summary>This cycle's restart budget is spent; a later cycle takes the pod.</summary>
    SkipCycleBudget,

    /// <summary>Restarts on the pod's node keep coming back unmanaged: paused until the node's Cilium agent changes.</summary>
    SkipNodePaused,
}
