using AdmissionGuard.Core.Healing;

namespace AdmissionGuard.Options;

/// <summary>Configuration section <c>Reconciler</c>: healing unmanaged pods and releasing gates.</summary>
public sealed class ReconcilerOptions
{
    public const string SectionName = "Reconciler";

    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan MinPodAge { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRestartsPerCycle { get; set; } = 5;

    public RestartMethod RestartMethod { get; set; } = RestartMethod.Evict;

    public TimeSpan PodCooldown { get; set; } = TimeSpan.FromMinutes(5);

    public bool DryRun { get; set; }

    public TimeSpan MaxGateAge { get; set; } = TimeSpan.FromMinutes(10);

    public bool ReleaseGatesAfterMaxAge { get; set; }

    public string AgentNamespace { get; set; } = "kube-system";

    public string AgentSelector { get; set; } = "k8s-app=cilium";
}
