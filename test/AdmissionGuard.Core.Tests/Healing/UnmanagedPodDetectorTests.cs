using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Core.Tests.Healing;

public sealed class UnmanagedPodDetectorTests
{
    private const string OwnEndpoint = "own";
    private const string StaleEndpoint = "stale";

    private static readonly PodFacts Pod = RunningPod();

    // scenario, pod, its node, which endpoint exists (own / stale / none), expected verdict
    public static TheoryData<string, PodFacts, NodeFacts?, string?, PodVerdict> Cases => new()
    {
        { "no endpoint on a ready node", Pod, ReadyNode(), null, PodVerdict.NoEndpoint },
        { "endpoint of an earlier pod with the same name", Pod, ReadyNode(), StaleEndpoint, PodVerdict.StaleEndpoint },
        { "own endpoint", Pod, ReadyNode(), OwnEndpoint, PodVerdict.Managed },
        { "host network", Pod with { HostNetwork = true }, ReadyNode(), null, PodVerdict.HostNetwork },
        { "mirror pod", Pod with { IsMirror = true }, ReadyNode(), null, PodVerdict.MirrorPod },
        { "opted out", Pod with { Labels = new Dictionary<string, string> { [WellKnown.IgnoreLabel] = "true" } }, ReadyNode(), null, PodVerdict.OptedOut },
        { "excluded namespace", RunningPod(ns: "admissionguard-system"), ReadyNode(), null, PodVerdict.ExcludedNamespace },
        { "excluded by selector", Pod with { Labels = new Dictionary<string, string> { ["app"] = "legacy" } }, ReadyNode(), null, PodVerdict.ExcludedBySelector },
        { "pending", Pod with { Phase = "Pending" }, ReadyNode(), null, PodVerdict.NotRunning },
        { "succeeded", Pod with { Phase = "Succeeded" }, ReadyNode(), null, PodVerdict.NotRunning },
        { "running without a node", Pod with { Target = TargetNode.Unknown }, ReadyNode(), null, PodVerdict.NotRunning },
        { "terminating", Pod with { Terminating = true }, ReadyNode(), null, PodVerdict.Terminating },
        { "started 29 s ago", RunningPod(age: TimeSpan.FromSeconds(29)), ReadyNode(), null, PodVerdict.TooYoung },
        { "no start time", Pod with { StartTime = null }, ReadyNode(), null, PodVerdict.TooYoung },
        { "young replacement with its own endpoint", RunningPod(age: TimeSpan.FromSeconds(2)), ReadyNode(), OwnEndpoint, PodVerdict.Managed },
        { "young pod with an earlier pod's endpoint", RunningPod(age: TimeSpan.FromSeconds(2)), ReadyNode(), StaleEndpoint, PodVerdict.TooYoung },
        { "own endpoint while the node is still tainted", Pod, TaintedNode(), OwnEndpoint, PodVerdict.Managed },
        { "node not in the snapshot", Pod, null, null, PodVerdict.NodeUnknown },
        { "node still tainted", Pod, TaintedNode(), null, PodVerdict.NodeTainted },
        { "taint gone but agent not ready", Pod, new NodeFacts("n1", [], AgentReady: false), null, PodVerdict.AgentNotReady },
        { "taint gone, agent unknown", Pod, new NodeFacts("n1", []), null, PodVerdict.AgentNotReady },
        { "unrelated taint on a ready node", Pod, new NodeFacts("n1", [new("example.com/other", "", "NoSchedule")], true), null, PodVerdict.NoEndpoint },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classifies_each_pod_with_a_reason(string scenario, PodFacts pod, NodeFacts? node, string? endpoint, PodVerdict expected)
    {
        var snapshot = new FakeClusterSnapshot().With(pod);
        if (node is not null)
        {
            snapshot.With(node);
        }

        if (endpoint is not null)
        {
            snapshot.With(EndpointOf(pod, endpoint == OwnEndpoint ? pod.Uid : "uid-of-an-earlier-pod"));
        }

        var classification = new UnmanagedPodDetector(Policy).Classify(pod, snapshot, Now);

        classification.Verdict.Should().Be(expected, scenario);
        classification.Detail.Should().NotBeNullOrWhiteSpace();
        classification.IsUnmanaged.Should().Be(expected is PodVerdict.NoEndpoint or PodVerdict.StaleEndpoint);
    }

    [Fact]
    public void A_pod_exactly_min_age_old_counts()
    {
        var pod = RunningPod(age: Policy.MinPodAge);
        var snapshot = new FakeClusterSnapshot().With(ReadyNode()).With(pod);

        new UnmanagedPodDetector(Policy).Classify(pod, snapshot, Now).Verdict.Should().Be(PodVerdict.NoEndpoint);
    }

    [Fact]
    public void The_details_name_the_node_the_taint_and_the_stale_uid()
    {
        var detector = new UnmanagedPodDetector(Policy);
        var tainted = new FakeClusterSnapshot().With(TaintedNode()).With(Pod);
        var stale = new FakeClusterSnapshot().With(ReadyNode()).With(Pod).With(EndpointOf(Pod, "old-uid"));

        detector.Classify(Pod, tainted, Now).Detail.Should().Be("node n1 still has taint node.cilium.io/agent-not-ready:NoExecute");
        detector.Classify(Pod, stale, Now).Detail.Should().Contain("old-uid");
        detector.Classify(RunningPod(age: TimeSpan.FromSeconds(12)), stale, Now).Detail.Should().Be("started 12s ago, less than 30s");
    }

    [Fact]
    public void Without_ciliumendpoints_the_detector_switches_itself_off()
    {
        var snapshot = new FakeClusterSnapshot { EndpointsAvailable = false }.With(ReadyNode()).With(Pod);

        var detection = new UnmanagedPodDetector(Policy).Detect(snapshot, Now);

        detection.Enabled.Should().BeFalse();
        detection.Pods.Should().BeEmpty();
        detection.Unmanaged.Should().BeEmpty();
    }

    [Fact]
    public void Detect_classifies_every_pod_and_lists_the_unmanaged_ones()
    {
        var managed = RunningPod("managed");
        var unmanaged = RunningPod("unmanaged");
        var onTaintedNode = RunningPod("waiting", node: "n2");
        var snapshot = new FakeClusterSnapshot()
            .With(ReadyNode(), TaintedNode("n2"))
            .With(managed, unmanaged, onTaintedNode)
            .With(EndpointOf(managed));

        var detection = new UnmanagedPodDetector(Policy).Detect(snapshot, Now);

        detection.Enabled.Should().BeTrue();
        detection.Pods.Should().HaveCount(3);
        detection.Unmanaged.Select(c => c.Pod.Name).Should().Equal("unmanaged");
    }
}
