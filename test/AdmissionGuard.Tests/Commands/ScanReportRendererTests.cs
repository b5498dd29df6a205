using System.Text.Json;
using AdmissionGuard.Commands;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Scheduling;
using AdmissionGuard.Core.Tests.Healing;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Commands;

public sealed class ScanReportRendererTests
{
    private static readonly Toleration Blanket = new("", Toleration.OperatorExists, "", "");

    private static ScanReport Report(FakeClusterSnapshot cluster) => ScanReportBuilder.Build(cluster, Policy, Now);

    private static FakeClusterSnapshot Troubled()
    {
        var managed = RunningPod("web-1", node: "ready");
        return new FakeClusterSnapshot()
            .With(ReadyNode("ready"), TaintedNode("fresh"))
            .With(
                managed,
                RunningPod("ebs-csi-node-x", ns: "kube-system", node: "ready"),
                RunningPod("istio-cni-y", ns: "istio-system", node: "fresh") with { Tolerations = [Blanket] },
                GatedPod("ds-z", node: "fresh", age: TimeSpan.FromMinutes(3)))
            .With(EndpointOf(managed));
    }

    private static FakeClusterSnapshot Healthy()
    {
        var pod = RunningPod("web-1", node: "ready");
        return new FakeClusterSnapshot().With(ReadyNode("ready")).With(pod).With(EndpointOf(pod));
    }

    private static (int ExitCode, string Output) Render(ScanReport report, ScanOutputFormat format)
    {
        using var output = new StringWriter();
        var exitCode = ScanReportRenderer.Render(report, format, output);
        return (exitCode, output.ToString());
    }

    [Fact]
    public void The_table_lists_every_finding_under_its_heading()
    {
        var (exitCode, output) = Render(Report(Troubled()), ScanOutputFormat.Table);

        exitCode.Should().Be(ScanReportRenderer.UnmanagedFound);
        output.ReplaceLineEndings("\n").Should().Be("""
            Tainted nodes: 1
            NODE   TAINT                                     AGENT
            fresh  node.cilium.io/agent-not-ready:NoExecute  not ready

            Gated pods: 1
            NAMESPACE  POD   NODE   AGE   NEXT  WHY
            default    ds-z  fresh  3m0s  hold  node fresh still has taint node.cilium.io/agent-not-ready:NoExecute

            At-risk pods (tolerate the taint of the node they are on): 1
            NAMESPACE     POD          NODE   TAINT
            istio-system  istio-cni-y  fresh  node.cilium.io/agent-not-ready:NoExecute

            Unmanaged pods (running without Cilium): 1
            NAMESPACE    POD             NODE   OWNER         REASON
            kube-system  ebs-csi-node-x  ready  DaemonSet/ds  has no CiliumEndpoint


            """);
    }

    [Fact]
    public void Young_pods_without_an_endpoint_are_listed_as_not_judged_yet_and_do_not_fail_the_scan()
    {
        var cluster = Healthy().With(RunningPod("istio-cni-new", ns: "istio-system", node: "ready", age: TimeSpan.FromSeconds(12)));

        var (exitCode, table) = Render(Report(cluster), ScanOutputFormat.Table);
        var (_, json) = Render(Report(cluster), ScanOutputFormat.Json);

        exitCode.Should().Be(ScanReportRenderer.Clean, "the reconciler does not act on them yet either");
        table.ReplaceLineEndings("\n").Should().EndWith("""
            Unmanaged pods (running without Cilium): none

            Not judged yet (no CiliumEndpoint, younger than Reconciler:MinPodAge): 1
            NAMESPACE     POD            NODE   WHY
            istio-system  istio-cni-new  ready  started 12s ago, less than 30s


            """);
        using var document = JsonDocument.Parse(json);
        var young = document.RootElement.GetProperty("notYetJudged").EnumerateArray().Single();
        young.GetProperty("name").GetString().Should().Be("istio-cni-new");
        young.GetProperty("detail").GetString().Should().Be("started 12s ago, less than 30s");
        document.RootElement.GetProperty("unmanagedPods").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public void A_healthy_cluster_exits_zero_and_says_none()
    {
        var (exitCode, output) = Render(Report(Healthy()), ScanOutputFormat.Table);

        exitCode.Should().Be(ScanReportRenderer.Clean);
        output.Should().Contain("Tainted nodes: none").And.Contain("Unmanaged pods (running without Cilium): none");
    }

    [Fact]
    public void Without_ciliumendpoints_the_table_says_unmanaged_pods_were_not_checked()
    {
        var cluster = Troubled();
        cluster.EndpointsAvailable = false;

        var (exitCode, output) = Render(Report(cluster), ScanOutputFormat.Table);

        exitCode.Should().Be(ScanReportRenderer.Clean);
        output.Should().Contain("Unmanaged pods: not checked, the cluster serves no CiliumEndpoints.");
    }

    [Fact]
    public void Json_carries_the_same_findings_for_scripts()
    {
        var (exitCode, output) = Render(Report(Troubled()), ScanOutputFormat.Json);

        exitCode.Should().Be(ScanReportRenderer.UnmanagedFound);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        root.GetProperty("detectorEnabled").GetBoolean().Should().BeTrue();
        root.GetProperty("time").GetDateTimeOffset().Should().Be(Now);
        var node = root.GetProperty("taintedNodes").EnumerateArray().Single();
        node.GetProperty("name").GetString().Should().Be("fresh");
        node.GetProperty("agentReady").GetBoolean().Should().BeFalse();
        var gated = root.GetProperty("gatedPods").EnumerateArray().Single();
        gated.GetProperty("name").GetString().Should().Be("ds-z");
        gated.GetProperty("ageSeconds").GetInt64().Should().Be(180);
        gated.GetProperty("action").GetString().Should().Be("hold");
        gated.GetProperty("overdue").GetBoolean().Should().BeFalse();
        root.GetProperty("atRiskPods").EnumerateArray().Single().GetProperty("name").GetString().Should().Be("istio-cni-y");
        var unmanaged = root.GetProperty("unmanagedPods").EnumerateArray().Single();
        unmanaged.GetProperty("namespace").GetString().Should().Be("kube-system");
        unmanaged.GetProperty("name").GetString().Should().Be("ebs-csi-node-x");
        unmanaged.GetProperty("owner").GetString().Should().Be("DaemonSet/ds");
        unmanaged.GetProperty("reason").GetString().Should().Be("noEndpoint");
        unmanaged.GetProperty("detail").GetString().Should().Be("has no CiliumEndpoint");
    }

    [Fact]
    public void Json_of_a_healthy_cluster_has_empty_lists_and_exits_zero()
    {
        var (exitCode, output) = Render(Report(Healthy()), ScanOutputFormat.Json);

        exitCode.Should().Be(ScanReportRenderer.Clean);
        using var json = JsonDocument.Parse(output);
        foreach (var list in new[] { "taintedNodes", "gatedPods", "atRiskPods", "unmanagedPods", "notYetJudged" })
        {
            json.RootElement.GetProperty(list).GetArrayLength().Should().Be(0, list);
        }
    }

    [Fact]
    public void A_node_without_a_known_agent_shows_unknown()
    {
        var cluster = new FakeClusterSnapshot().With(new NodeFacts("n", [AgentNotReady]));

        var (_, table) = Render(Report(cluster), ScanOutputFormat.Table);
        var (_, json) = Render(Report(cluster), ScanOutputFormat.Json);

        table.Should().Contain("n     node.cilium.io/agent-not-ready:NoExecute  unknown");
        JsonDocument.Parse(json).RootElement.GetProperty("taintedNodes")[0].GetProperty("agentReady").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void An_unmanaged_pod_whose_eviction_budgets_refuse_says_so_in_the_table_and_in_json()
    {
        var cluster = Troubled();
        cluster.Budgets.Add(new DisruptionBudgetFacts("kube-system", "csi", Core.Labels.LabelSelector.Everything, 0, false, "apps/v1/daemonset does not implement the scale subresource"));

        var report = Report(cluster);
        var (_, table) = Render(report, ScanOutputFormat.Table);
        var (_, json) = Render(report, ScanOutputFormat.Json);

        report.EvictionBlocks.Keys.Should().Equal("uid-kube-system-ebs-csi-node-x");
        table.Should().Contain("has no CiliumEndpoint; eviction blocked: PodDisruptionBudget csi cannot compute disruptions (SyncFailed: ");
        using var document = JsonDocument.Parse(json);
        var blocked = document.RootElement.GetProperty("unmanagedPods")[0].GetProperty("evictionBlocked");
        blocked.GetProperty("kind").GetString().Should().Be("budgetCannotCompute");
        blocked.GetProperty("detail").GetString().Should().StartWith("PodDisruptionBudget csi cannot compute disruptions");
    }
}
