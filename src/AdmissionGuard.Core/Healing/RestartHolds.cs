namespace AdmissionGuard.Core.Healing;

/// <summary>What the ledger holds back or escalates beyond the budgets.</summary>
/// <param name="Blocked">Pods whose evictions have been refused, by pod UID.</param>
/// <param name="PausedNodes">Nodes where restarts keep coming back unmanaged (Cilium is broken there), with why.</param>
public sealed record RestartHolds(IReadOnlyDictionary<string, BlockedEviction> Blocked, IReadOnlyDictionary<string, string> PausedNodes)
{
    public static RestartHolds None { get; } = new(new Dictionary<string, BlockedEviction>(), new Dictionary<string, string>());
}
