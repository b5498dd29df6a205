using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Scheduling;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Core.Tests.Healing;

public sealed class ScanReportBuilderTests
{
    private static readonly Toleration Blanket = new("", Toleration.OperatorExists, "", "");

    private static FakeClusterSnapshot Cluster()
    {
        var managed = RunningPod("managed", node: "ready");
        return new FakeClusterSnapshot()
            .With(ReadyNode("ready"), TaintedNode("tainted"), new NodeFacts("other-taint", [new("example.com/x", "", "NoSchedule")], true))
            .With(
                managed,
                RunningPod("unmanaged", node: "ready"),
                RunningPod("stale", node: "ready"),
                RunningPod("blanket", node: "tainted") with { Tolerations = [Blanket] },
                RunningPod("intolerant", node: "tainted"),
                RunningPod("host", node: "tainted") with { Tolerations = [Blanket], HostNetwork = true },
                RunningPod("done", node: "tainted") with { Tolerations = [Blanket], Phase = "Succeeded" },
                GatedPod("gated", node: "tainted") with { Tolerations = [Blanket] })
            .With(EndpointOf(managed), new EndpointFacts("default", "stale", "old", "ready", "ready"));
    }

    [Fact]
    public void Lists_tainted_nodes_with_the_configured_taint_only()
    {
        var report = ScanReportBuilder.Build(Cluster(), Policy, Now);

        report.TaintedNodes.Should().Equal(new TaintedNode("tainted", AgentNotReady, false));
    }

    [Fact]
    public void Lists_unmanaged_pods_with_their_reason()
    {
        var report = ScanReportBuilder.Build(Cluster(), Policy, Now);

        report.DetectorEnabled.Should().BeTrue();
        report.HasUnmanagedPods.Should().BeTrue();
        report.UnmanagedPods.Select(c => (c.Pod.Name, c.Verdict)).Should().Equal(
            ("stale", PodVerdict.StaleEndpoint),
            ("unmanaged", PodVerdict.NoEndpoint));
    }

    [Fact]
    public void At_risk_pods_need_the_cni_tolerate_the_taint_and_sit_on_a_tainted_node()
    {
        var report = ScanReportBuilder.Build(Cluster(), Policy, Now);

        report.AtRiskPods.Select(r => (r.Pod.Name, r.Node, r.Taint)).Should().Equal(("blanket", "tainted", AgentNotReady));
    }

    [Fact]
    public void A_pod_is_at_risk_only_when_it_tolerates_every_configured_taint_on_its_node()
    {
        // The same rule admission applies (TaintExposure): one untolerated configured taint keeps the pod off.
        var secondKey = "example.com/cni-not-ready";
        var policy = Policy with { TaintKeys = [WellKnown.CiliumAgentNotReadyTaint, secondKey] };
        var node = new NodeFacts("two-taints", [AgentNotReady, new Taint(secondKey, "", "NoSchedule")], false);
        var agentOnly = new Toleration(WellKnown.CiliumAgentNotReadyTaint, Toleration.OperatorExists, "", "");
        var cluster = new FakeClusterSnapshot()
            .With(node)
            .With(
                RunningPod("tolerates-one", node: "two-taints") with { Tolerations = [agentOnly] },
                RunningPod("tolerates-both", node: "two-taints") with { Tolerations = [Blanket] });

        var report = ScanReportBuilder.Build(cluster, policy, Now);

        report.AtRiskPods.Select(r => (r.Pod.Name, r.Taint)).Should().Equal(("tolerates-both", AgentNotReady));
    }

    [Fact]
    public void Gated_pods_are_listed_with_the_gate_decision_not_as_at_risk()
    {
        var report = ScanReportBuilder.Build(Cluster(), Policy, Now);

        report.GatedPods.Should().ContainSingle().Which.Action.Should().Be(GateAction.Hold);
        report.AtRiskPods.Should().NotContain(r => r.Pod.Name == "gated");
    }

    [Fact]
    public void A_healthy_cluster_reports_nothing()
    {
        var pod = RunningPod(node: "ready");
        var report = ScanReportBuilder.Build(new FakeClusterSnapshot().With(ReadyNode("ready")).With(pod).With(EndpointOf(pod)), Policy, Now);

        report.Should().BeEquivalentTo(new ScanReport(Now, true, [], [], [], []));
        report.HasUnmanagedPods.Should().BeFalse();
    }

    [Fact]
    public void Without_ciliumendpoints_the_report_says_the_detector_is_off()
    {
        var cluster = Cluster();
        cluster.EndpointsAvailable = false;

        var report = ScanReportBuilder.Build(cluster, Policy, Now);

        report.DetectorEnabled.Should().BeFalse();
        report.UnmanagedPods.Should().BeEmpty();
        report.TaintedNodes.Should().NotBeEmpty();
    }
}
