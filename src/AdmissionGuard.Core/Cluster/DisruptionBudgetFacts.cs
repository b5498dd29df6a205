using AdmissionGuard.Core.Labels;

namespace AdmissionGuard.Core.Cluster;

/// <summary>A PodDisruptionBudget as the reconciler reads it to explain refused evictions.</summary>
/// <param name="DisruptionsAllowed"><c>status.disruptionsAllowed</c>.</param>
/// <param name="StatusCurrent"><c>status.observedGeneration</c> has caught up with <c>metadata.generation</c>.</param>
/// <param name="SyncFailure">The message of condition <c>DisruptionAllowed=False</c> with reason <c>SyncFailed</c>, if set:
/// the disruption controller cannot compute this budget at all.</param>
public sealed record DisruptionBudgetFacts(
    string Namespace,
    string Name,
    LabelSelector Selector,
    int DisruptionsAllowed,
    bool StatusCurrent,
    string? SyncFailure)
{
    public string Key => $"{Namespace}/{Name}";
}
