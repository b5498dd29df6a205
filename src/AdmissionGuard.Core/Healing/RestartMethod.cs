namespace AdmissionGuard.Core.Healing;

/// <summary>How an unmanaged pod is restarted.</summary>
public enum RestartMethod
{
    /// <summary>The Eviction API: PodDisruptionBudgets are respected (the default).</summary>
    Evict,

    /// <summary>A plain DELETE, as Cilium's operator does: PodDisruptionBudgets are ignored.</summary>
    Delete,
}
