using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>One line of a restart plan.</summary>
public sealed record RestartStep(PodFacts Pod, RestartDecision Decision, string Detail)
{
    /// <summary>The step restarts the pod, or would in a dry run.</summary>
    public bool Acts => Decision is RestartDecision.Restart or RestartDecision.WouldRestart or RestartDecision.DeleteBlocked;
}
