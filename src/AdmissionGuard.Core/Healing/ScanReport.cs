namespace AdmissionGuard.Core.Healing;

/// <summary>What <c>admissionguard scan</c> reports.</summary>
/// <param name="DetectorEnabled">False when the cluster serves no CiliumEndpoints: unmanaged pods cannot be told.</param>
public sealed record ScanReport(
    DateTimeOffset Time,
    bool DetectorEnabled,
    IReadOnlyList<TaintedNode> TaintedNodes,
    IReadOnlyList<GateStep> GatedPods,
    IReadOnlyList<AtRiskPod> AtRiskPods,
    IReadOnlyList<PodClassification> UnmanagedPods)
{
    public bool HasUnmanagedPods => UnmanagedPods.Count > 0;

    /// <summary>
    /// Pods that need Cilium and have no CiliumEndpoint of their own yet, but started less than <c>MinPodAge</c> ago:
    /// the agent may still be creating it, so neither the reconciler nor the scan judges them until then.
    /// </summary>
    public IReadOnlyList<PodClassification> NotYetJudged { get; init; } = [];

    /// <summary>Unmanaged pods (by UID) whose eviction the Eviction API refuses or will refuse, and why.</summary>
    public IReadOnlyDictionary<string, EvictionBlock> EvictionBlocks { get; init; } = new Dictionary<string, EvictionBlock>();
}
