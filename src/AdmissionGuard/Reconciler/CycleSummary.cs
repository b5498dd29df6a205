namespace AdmissionGuard.Reconciler;

/// <summary>What one cycle found and did.</summary>
/// <param name="Restarts">Pods evicted or deleted (not dry-run reports, not blocked attempts).</param>
internal sealed record CycleSummary(int Unmanaged, int Restarts, int Gated, int Released);
