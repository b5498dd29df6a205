using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Core.Pods;
using CsCheck;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Core.Tests.Healing;

/// <summary>
/// A detector that remembers its verdicts and follows the snapshot's changes decides exactly as a fresh one, whatever
/// changed between passes: a change the incremental pass missed would leave a verdict the fresh one does not give.
/// </summary>
public sealed class UnmanagedPodDetectorProperties
{
    private const int PodNames = 5;

    // One change to the cluster between two passes: which kind, which pod (or node), which variant.
    private sealed record Change(int Kind, int Pod, int Variant);

    private static readonly Gen<Change[]> GenChanges =
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, PodNames - 1], Gen.Int[0, 7], (kind, pod, variant) => new Change(kind, pod, variant)).Array[1, 40];

    [Fact]
    public void Remembered_verdicts_equal_a_fresh_detectors_after_any_sequence_of_changes()
    {
        GenChanges.Sample(changes =>
        {
            var cluster = new FakeClusterSnapshot().With(ReadyNode("n1"), ReadyNode("n2"));
            var now = Now;
            var remembering = new UnmanagedPodDetector(Policy, cluster.FollowPodChanges());
            foreach (var change in changes)
            {
                now = Apply(change, cluster, now);
                var remembered = remembering.Detect(cluster, now);
                var fresh = new UnmanagedPodDetector(Policy).Detect(cluster, now);

                remembered.Enabled.Should().Be(fresh.Enabled);
                remembered.Pods.Select(Verdict).OrderBy(v => v.Pod.Key, StringComparer.Ordinal)
                    .Should().Equal(fresh.Pods.Select(Verdict).OrderBy(v => v.Pod.Key, StringComparer.Ordinal), $"after {string.Join(", ", changes)}");
                remembered.Unmanaged.Select(c => c.Pod.Key).Should().BeEquivalentTo(fresh.Unmanaged.Select(c => c.Pod.Key));
                remembered.Unavailable.Select(p => p.Key).Should().BeEquivalentTo(fresh.Unavailable.Select(p => p.Key));
            }
        });
    }

    [Fact]
    public void A_pod_judged_managed_is_judged_again_when_its_endpoint_is_replaced()
    {
        var pod = RunningPod();
        var cluster = new FakeClusterSnapshot().With(ReadyNode()).With(pod).With(EndpointOf(pod));
        var detector = new UnmanagedPodDetector(Policy, cluster.FollowPodChanges());
        detector.Detect(cluster, Now).Pods.Single().Verdict.Should().Be(PodVerdict.Managed);

        cluster.With(EndpointOf(pod, "uid-of-an-earlier-pod"));

        detector.Detect(cluster, Now).Pods.Single().Verdict.Should().Be(PodVerdict.StaleEndpoint);
    }

    private static (PodFacts Pod, PodVerdict Verdict, string Detail) Verdict(PodClassification c) => (c.Pod, c.Verdict, c.Detail);

    private static DateTimeOffset Apply(Change change, FakeClusterSnapshot cluster, DateTimeOffset now)
    {
        var name = $"p{change.Pod}";
        var current = cluster.GetPod("default", name);
        switch (change.Kind)
        {
            case 0:
                cluster.With(PodVariant(name, change.Variant, now));
                break;
            case 1 when current is not null:
                cluster.With(EndpointOf(current, change.Variant % 2 == 0 ? null : "uid-of-an-earlier-pod"));
                break;
            case 2:
                cluster.WithoutEndpoint($"default/{name}");
                break;
            case 3:
                cluster.WithoutPod($"default/{name}");
                break;
            case 4:
                var node = $"n{1 + (change.Pod % 2)}";
                cluster.With(change.Variant switch
                {
                    0 or 1 => TaintedNode(node),
                    2 => new NodeFacts(node, [], AgentReady: false),
                    _ => ReadyNode(node),
                });
                break;
            case 5 when current is not null:
                // The same facts as a new object: what a cache holds after a change the detector does not look at.
                cluster.With(current with { });
                break;
            case 6:
                return now + TimeSpan.FromSeconds(change.Variant * 5);
        }

        return now;
    }

    private static PodFacts PodVariant(string name, int variant, DateTimeOffset now)
    {
        var pod = RunningPod(name, node: variant % 2 == 0 ? "n1" : "n2") with { StartTime = now - TimeSpan.FromSeconds(variant * 10) };
        return variant switch
        {
            0 => pod with { HostNetwork = true },
            1 => pod with { Phase = "Pending" },
            2 => pod with { Terminating = true },
            3 => pod with { Uid = $"uid-{name}-recreated" },
            4 => pod with { StartTime = null },
            5 => pod with { Target = new TargetNode(TargetKind.NodeName, "gone") },
            6 => pod with { Ready = false },
            _ => pod,
        };
    }
}
