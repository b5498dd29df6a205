using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Labels;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Tests.Healing;

/// <summary>Builders shared by the healing tests: one cluster vocabulary, written once.</summary>
internal static class HealingFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly Taint AgentNotReady = new(WellKnown.CiliumAgentNotReadyTaint, "", "NoExecute");

    public static readonly HealingPolicy Policy = new(
        [WellKnown.CiliumAgentNotReadyTaint],
        new ExclusionPolicy(new HashSet<string> { "admissionguard-system" }, LabelSelector.Parse("app=legacy")),
        MinPodAge: TimeSpan.FromSeconds(30),
        MaxGateAge: TimeSpan.FromMinutes(10),
        ReleaseGatesAfterMaxAge: false);

    public static NodeFacts ReadyNode(string name = "n1") => new(name, [], AgentReady: true);

    public static NodeFacts TaintedNode(string name = "n1") => new(name, [AgentNotReady], AgentReady: false);

    public static PodOwner Owner(string name = "ds") => new("DaemonSet", name, $"uid-{name}");

    public static PodFacts RunningPod(
        string name = "p",
        string ns = "default",
        string node = "n1",
        TimeSpan? age = null,
        PodOwner? owner = null,
        bool noOwner = false,
        bool ready = true) => new()
        {
            Namespace = ns,
            Name = name,
            Uid = $"uid-{ns}-{name}",
            Phase = "Running",
            Ready = ready,
            Target = new TargetNode(TargetKind.NodeName, node),
            StartTime = Now - (age ?? TimeSpan.FromMinutes(5)),
            CreationTime = Now - (age ?? TimeSpan.FromMinutes(5)),
            Owner = noOwner ? null : owner ?? Owner(),
        };

    public static PodFacts GatedPod(string name = "g", string? node = "n1", TimeSpan? age = null) => new()
    {
        Namespace = "default",
        Name = name,
        Uid = $"uid-default-{name}",
        Phase = "Pending",
        Target = node is null ? TargetNode.Unknown : new TargetNode(TargetKind.PinnedByAffinity, node),
        SchedulingGates = [WellKnown.SchedulingGate],
        CreationTime = Now - (age ?? TimeSpan.FromMinutes(1)),
        Owner = Owner(),
    };

    public static EndpointFacts EndpointOf(PodFacts pod, string? uid = null) =>
        new(pod.Namespace, pod.Name, uid ?? pod.Uid, "ready", pod.NodeName);
}
