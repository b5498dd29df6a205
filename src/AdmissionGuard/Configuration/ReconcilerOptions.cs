using AdmissionGuard.Core.Healing;

namespace AdmissionGuard.Configuration;

/// <summary>The leader's reconciler: healing unmanaged pods and releasing scheduling gates.</summary>
internal sealed class ReconcilerOptions
{
    public const string SectionName = "Reconciler";

    public bool Enabled { get; set; } = true;

    /// <summary>Time between cycles; watch events may start a cycle earlier.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A pod younger than this is left alone: Cilium may still be creating its endpoint.</summary>
    public TimeSpan MinPodAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Restarts one cycle may start; <see cref="WritesPerSecond"/> paces them.</summary>
    public int MaxRestartsPerCycle { get; set; } = 100;

    /// <summary>
    /// Restarts in flight across the cluster. 250 lets a 1,000-node cluster restart a 25% DaemonSet wave at once
    /// while keeping the scheduler, the image pulls and the API server far from a thundering herd.
    /// </summary>
    public int MaxRestartsInFlight { get; set; } = 250;

    /// <summary>
    /// Restarts in flight per controller: <c>OwnerBudget</c> (what its own rolling update allows: DaemonSet,
    /// Deployment or StatefulSet maxUnavailable), <c>One</c>, or a whole number.
    /// </summary>
    public string Concurrency { get; set; } = "OwnerBudget";

    /// <summary>Client-side limit of the reconciler's evictions, deletes and gate releases per second (bursts of as many).</summary>
    public double WritesPerSecond { get; set; } = 20;

    public RestartMethod RestartMethod { get; set; } = RestartMethod.Evict;

    /// <summary>A pod restarted once is not restarted again within this time.</summary>
    public TimeSpan PodCooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A pod whose evictions have been refused this long is reported as blocked: a Warning Event on it saying why,
    /// the <c>admissionguard_blocked_pods</c> gauge. A rollout or a budget at its limit refuses evictions for minutes
    /// as a matter of course; ten minutes of refusals means the budget will not move on its own.
    /// </summary>
    public TimeSpan BlockedAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Off (unset) by default. When set, a pod whose evictions have been refused this long is deleted instead, with
    /// the UID precondition, ignoring its PodDisruptionBudget (the controller's own allowance still holds).
    /// </summary>
    public TimeSpan? EscalateBlockedAfter { get; set; }

    /// <summary>
    /// Restarts on one node whose replacements come back unmanaged (Cilium is broken there) before the reconciler
    /// stops restarting pods on that node until its Cilium agent pod changes.
    /// </summary>
    public int MaxFailedRestartsPerNode { get; set; } = 2;

    /// <summary>Report what would be restarted, restart nothing.</summary>
    public bool DryRun { get; set; }

    /// <summary>A pod gated longer than this gets a Warning event.</summary>
    public TimeSpan MaxGateAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Also remove the gate of a pod gated longer than <see cref="MaxGateAge"/>, ready node or not.</summary>
    public bool ReleaseGatesAfterMaxAge { get; set; }
}
