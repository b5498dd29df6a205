namespace AdmissionGuard.Reconciler;

internal enum RestartResult
{
    Evicted,
    Deleted,

    /// <summary>The Eviction API answered 429: a PodDisruptionBudget allows no disruption now.</summary>
    BlockedByDisruptionBudget,

    /// <summary>404, or the UID precondition failed: the pod was already replaced.</summary>
    AlreadyGone,
    Failed,
}

/// <summary>What the API server said to a restart; <see cref="Message"/> is its explanation, if any.</summary>
internal sealed record RestartAttempt(RestartResult Result, string Message = "");
