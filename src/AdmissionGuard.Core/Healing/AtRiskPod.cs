using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Healing;

/// <summary>A pod that needs the CNI, is bound or pinned to a tainted node, and tolerates that taint.</summary>
public sealed record AtRiskPod(PodFacts Pod, string Node, Taint Taint);
