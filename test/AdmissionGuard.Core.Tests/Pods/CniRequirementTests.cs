using AdmissionGuard.Core.Labels;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Tests.Pods;

public sealed class CniRequirementTests
{
    private static readonly ExclusionPolicy Policy = new(new HashSet<string> { "admissionguard-system" }, LabelSelector.Parse("app=legacy"));

    private static PodFacts Pod(string ns = "default", bool hostNetwork = false, bool mirror = false, params (string Key, string Value)[] labels) => new()
    {
        Namespace = ns,
        Name = "p",
        HostNetwork = hostNetwork,
        IsMirror = mirror,
        Labels = labels.ToDictionary(l => l.Key, l => l.Value),
    };

    public static TheoryData<PodFacts, CniNeed> Cases => new()
    {
        { Pod(), CniNeed.Needed },
        { Pod(hostNetwork: true), CniNeed.HostNetwork },
        { Pod(mirror: true), CniNeed.MirrorPod },
        { Pod(labels: ("admissionguard.io/ignore", "true")), CniNeed.OptedOut },
        { Pod(labels: ("admissionguard.io/ignore", "false")), CniNeed.Needed },
        { Pod(labels: ("admissionguard.io/ignore", "True")), CniNeed.Needed },
        { Pod(ns: "admissionguard-system"), CniNeed.ExcludedNamespace },
        { Pod(labels: ("app", "legacy")), CniNeed.ExcludedBySelector },
        { Pod(labels: ("app", "web")), CniNeed.Needed },
        { Pod(ns: "admissionguard-system", hostNetwork: true), CniNeed.HostNetwork },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluates_whether_the_pod_needs_the_cni(PodFacts pod, CniNeed expected)
    {
        CniRequirement.Evaluate(pod, Policy).Should().Be(expected);
    }

    [Fact]
    public void No_exclusions_means_every_cni_pod_counts()
    {
        CniRequirement.Evaluate(Pod(labels: ("app", "legacy")), ExclusionPolicy.None).Should().Be(CniNeed.Needed);
    }
}
