using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>What the reconciler's decisions read from configuration (Admission and Reconciler sections).</summary>
/// <param name="TaintKeys">Taints that mean "the Cilium agent on this node is not ready".</param>
/// <param name="Exclusions">Pods AdmissionGuard never touches, shared with the webhook.</param>
/// <param name="MinPodAge">A pod younger than this may still be getting its CiliumEndpoint.</param>
/// <param name="MaxGateAge">A gate held longer than this gets a Warning event.</param>
/// <param name="ReleaseGatesAfterMaxAge">Release overdue gates even though the node is still not ready.</param>
public sealed record HealingPolicy(
    IReadOnlyCollection<string> TaintKeys,
    ExclusionPolicy Exclusions,
    TimeSpan MinPodAge,
    TimeSpan MaxGateAge,
    bool ReleaseGatesAfterMaxAge);
