using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>What to do with one pod carrying <see cref="WellKnown.SchedulingGate"/>.</summary>
/// <param name="Node">The node the pod is pinned to, or null.</param>
/// <param name="Age">How long the pod has existed (and so been gated).</param>
/// <param name="Overdue">Gated longer than the maximum gate age: deserves a Warning event.</param>
public sealed record GateStep(PodFacts Pod, string? Node, GateAction Action, TimeSpan Age, bool Overdue, string Detail)
{
    public bool Releases => Action != GateAction.Hold;
}
