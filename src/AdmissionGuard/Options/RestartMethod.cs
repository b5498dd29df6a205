namespace AdmissionGuard.Options;

/// <summary>How the reconciler restarts an unmanaged pod.</summary>
internal enum RestartMethod
{
    /// <summary>The Eviction API: PodDisruptionBudgets are respected (a 429 means "not now").</summary>
    Evict,

    /// <summary>A plain DELETE, as Cilium's operator does it: PodDisruptionBudgets are ignored.</summary>
    Delete,
}
