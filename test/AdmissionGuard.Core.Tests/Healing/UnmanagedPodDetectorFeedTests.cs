using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Core.Tests.Healing;

/// <summary>
/// A detector that follows the snapshot's pod changes judges again only the pods the feed names and the pods whose
/// verdict depends on the clock or the node; everything else keeps its verdict without being read.
/// </summary>
public sealed class UnmanagedPodDetectorFeedTests
{
    [Fact]
    public void A_pass_reads_only_the_pods_the_feed_names_and_the_unsettled_ones()
    {
        var managed = RunningPod("managed");
        var young = RunningPod("young", age: TimeSpan.FromSeconds(10));
        var cluster = new FakeClusterSnapshot().With(ReadyNode()).With(managed, young).With(EndpointOf(managed));
        var detector = new UnmanagedPodDetector(Policy, new SilentFeed());
        detector.Detect(cluster, Now);

        // Changes the feed does not name: proof that the managed pod is not read again, while the young one is.
        cluster.WithoutEndpoint(managed.Key).WithoutPod(young.Key).With(young with { Uid = "uid-recreated" });
        var detection = detector.Detect(cluster, Now + Policy.MinPodAge);

        VerdictOf(detection, managed).Should().Be(PodVerdict.Managed);
        detection.Unmanaged.Should().ContainSingle().Which.Pod.Uid.Should().Be("uid-recreated");
    }

    [Fact]
    public void A_pod_whose_facts_changed_is_judged_again()
    {
        var pod = RunningPod();
        var cluster = new FakeClusterSnapshot().With(ReadyNode()).With(pod).With(EndpointOf(pod));
        var detector = new UnmanagedPodDetector(Policy, cluster.FollowPodChanges());
        VerdictOf(detector.Detect(cluster, Now), pod).Should().Be(PodVerdict.Managed);

        cluster.With(pod with { Uid = "uid-recreated" });
        var detection = detector.Detect(cluster, Now);

        VerdictOf(detection, pod).Should().Be(PodVerdict.StaleEndpoint);
        detection.Unmanaged.Should().ContainSingle().Which.Pod.Uid.Should().Be("uid-recreated");
    }

    [Fact]
    public void A_young_pod_turns_unmanaged_when_the_clock_passes_min_age_without_any_change()
    {
        var pod = RunningPod(age: TimeSpan.FromSeconds(10));
        var cluster = new FakeClusterSnapshot().With(ReadyNode()).With(pod);
        var detector = new UnmanagedPodDetector(Policy, cluster.FollowPodChanges());
        VerdictOf(detector.Detect(cluster, Now), pod).Should().Be(PodVerdict.TooYoung);

        var before = detector.Detect(cluster, Now + Policy.MinPodAge - TimeSpan.FromSeconds(11));
        VerdictOf(before, pod).Should().Be(PodVerdict.TooYoung);
        var after = detector.Detect(cluster, Now + Policy.MinPodAge - TimeSpan.FromSeconds(10));

        VerdictOf(after, pod).Should().Be(PodVerdict.NoEndpoint);
        after.Unmanaged.Should().ContainSingle().Which.Pod.Should().Be(pod);
    }

    [Fact]
    public void A_pod_turns_unmanaged_when_its_node_loses_the_taint_and_waits_again_when_it_comes_back()
    {
        var pod = RunningPod();
        var cluster = new FakeClusterSnapshot().With(TaintedNode()).With(pod);
        var detector = new UnmanagedPodDetector(Policy, cluster.FollowPodChanges());
        VerdictOf(detector.Detect(cluster, Now), pod).Should().Be(PodVerdict.NodeTainted);

        cluster.With(ReadyNode());
        detector.Detect(cluster, Now).Unmanaged.Should().ContainSingle().Which.Verdict.Should().Be(PodVerdict.NoEndpoint);

        cluster.With(TaintedNode());
        var detection = detector.Detect(cluster, Now);
        VerdictOf(detection, pod).Should().Be(PodVerdict.NodeTainted);
        detection.Unmanaged.Should().BeEmpty();
    }

    [Fact]
    public void A_managed_pod_whose_endpoint_goes_is_judged_unmanaged()
    {
        var pod = RunningPod();
        var cluster = new FakeClusterSnapshot().With(ReadyNode()).With(pod).With(EndpointOf(pod));
        var detector = new UnmanagedPodDetector(Policy, cluster.FollowPodChanges());
        detector.Detect(cluster, Now).Unmanaged.Should().BeEmpty();

        cluster.WithoutEndpoint(pod.Key);

        detector.Detect(cluster, Now).Unmanaged.Should().ContainSingle().Which.Verdict.Should().Be(PodVerdict.NoEndpoint);
    }

    [Fact]
    public void A_deleted_pod_is_forgotten()
    {
        var managed = RunningPod("managed");
        var unmanaged = RunningPod("unmanaged");
        var cluster = new FakeClusterSnapshot().With(ReadyNode()).With(managed, unmanaged).With(EndpointOf(managed));
        var detector = new UnmanagedPodDetector(Policy, cluster.FollowPodChanges());
        detector.Detect(cluster, Now).Pods.Should().HaveCount(2);

        cluster.WithoutPod(managed.Key).WithoutPod(unmanaged.Key);
        var detection = detector.Detect(cluster, Now);

        detection.Pods.Should().BeEmpty();
        detection.Unmanaged.Should().BeEmpty();
    }

    [Fact]
    public void A_pod_counts_as_unavailable_while_it_is_not_ready_and_only_with_a_controller()
    {
        var pod = RunningPod();
        var orphan = RunningPod("orphan", noOwner: true, ready: false);
        var cluster = new FakeClusterSnapshot().With(ReadyNode()).With(pod, orphan).With(EndpointOf(pod), EndpointOf(orphan));
        var detector = new UnmanagedPodDetector(Policy, cluster.FollowPodChanges());
        detector.Detect(cluster, Now).Unavailable.Should().BeEmpty();

        cluster.With(pod with { Ready = false });
        detector.Detect(cluster, Now).Unavailable.Should().ContainSingle().Which.Name.Should().Be(pod.Name);

        cluster.With(pod);
        detector.Detect(cluster, Now).Unavailable.Should().BeEmpty();

        cluster.With(pod with { Ready = false }).WithoutPod(pod.Key);
        detector.Detect(cluster, Now).Unavailable.Should().BeEmpty("a deleted pod is forgotten");
    }

    [Fact]
    public void After_a_pass_without_endpoints_every_pod_is_judged_again()
    {
        var pod = RunningPod();
        var cluster = new FakeClusterSnapshot().With(ReadyNode()).With(pod).With(EndpointOf(pod));
        var detector = new UnmanagedPodDetector(Policy, new SilentFeed());
        detector.Detect(cluster, Now);
        cluster.EndpointsAvailable = false;
        detector.Detect(cluster, Now).Enabled.Should().BeFalse();

        cluster.EndpointsAvailable = true;
        cluster.WithoutEndpoint(pod.Key);

        detector.Detect(cluster, Now).Unmanaged.Should().ContainSingle().Which.Pod.Should().Be(pod);
    }

    private static PodVerdict VerdictOf(Detection detection, PodFacts pod) =>
        detection.Pods.Single(c => c.Pod.Key == pod.Key).Verdict;

    /// <summary>A feed that never names a change: what the detector reads then, it reads without being told to.</summary>
    [Fact]
    public void A_feed_that_lost_track_makes_the_next_pass_judge_every_pod()
    {
        var pod = RunningPod();
        var cluster = new FakeClusterSnapshot().With(ReadyNode()).With(pod).With(EndpointOf(pod));
        var feed = new OverflowedFeed();
        var detector = new UnmanagedPodDetector(Policy, feed);
        VerdictOf(detector.Detect(cluster, Now), pod).Should().Be(PodVerdict.Managed);

        // A change the feed cannot name: it answers that it lost track instead.
        cluster.WithoutEndpoint(pod.Key);
        feed.LostTrack = true;
        var detection = detector.Detect(cluster, Now);

        VerdictOf(detection, pod).Should().Be(PodVerdict.NoEndpoint);
        detection.Unmanaged.Should().ContainSingle().Which.Pod.Should().Be(pod);
    }

    private sealed class SilentFeed : IPodChangeFeed
    {
        public IReadOnlyCollection<PodName> TakeChanged() => [];
    }

    private sealed class OverflowedFeed : IPodChangeFeed
    {
        public bool LostTrack { get; set; }

        public IReadOnlyCollection<PodName>? TakeChanged() => LostTrack ? null : [];
    }
}
