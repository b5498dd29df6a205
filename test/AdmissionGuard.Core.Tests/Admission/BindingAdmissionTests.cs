using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Pods;
using static AdmissionGuard.Core.Tests.Admission.Scenario;

namespace AdmissionGuard.Core.Tests.Admission;

public sealed class BindingAdmissionTests
{
    private static readonly PodFacts Unpinned = Pod(TargetKind.Unknown);

    // mode, node, tolerates, releaser alive | outcome, allowed, warnings
    public static TheoryData<GuardMode, string, bool, bool, AdmissionOutcome, bool, int> Cases => new()
    {
        { GuardMode.Gate, TaintedNode, true, true, AdmissionOutcome.Denied, false, 0 },
        { GuardMode.Gate, TaintedNode, true, false, AdmissionOutcome.Denied, false, 0 },
        { GuardMode.Gate, TaintedNode, false, true, AdmissionOutcome.Allowed, true, 0 },
        { GuardMode.Gate, ReadyNode, true, true, AdmissionOutcome.Allowed, true, 0 },
        { GuardMode.Gate, MissingNode, true, true, AdmissionOutcome.Warned, true, 1 },
        { GuardMode.Deny, TaintedNode, true, true, AdmissionOutcome.Denied, false, 0 },
        { GuardMode.Deny, ReadyNode, true, true, AdmissionOutcome.Allowed, true, 0 },
        { GuardMode.Warn, TaintedNode, true, true, AdmissionOutcome.Warned, true, 1 },
        { GuardMode.Warn, ReadyNode, true, true, AdmissionOutcome.Allowed, true, 0 },
        { GuardMode.Off, TaintedNode, true, true, AdmissionOutcome.Skipped, true, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Binding_is_decided_by_mode_and_the_target_node(
        GuardMode mode, string node, bool tolerates, bool releaserAlive, AdmissionOutcome outcome, bool allowed, int warnings)
    {
        var pod = Unpinned with { Tolerations = tolerates ? [ExistsNoExecute] : [] };
        var cluster = Snapshot(mode, gateReleaserAlive: releaserAlive, pods: [pod]);

        var decision = PodAdmission.DecideBinding(new PodBinding(pod.Namespace, pod.Name, node), cluster, AdmissionPolicy.Default);

        decision.Outcome.Should().Be(outcome);
        decision.Allowed.Should().Be(allowed);
        decision.Warnings.Should().HaveCount(warnings);
        decision.AddGate.Should().BeFalse();
    }

    [Fact]
    public void Refused_binding_says_the_scheduler_retries()
    {
        var decision = PodAdmission.DecideBinding(new PodBinding(Namespace, Unpinned.Name, TaintedNode), Snapshot(pods: [Unpinned]), AdmissionPolicy.Default);

        decision.DenialMessage.Should().StartWith("node ip-10-0-1-7 is still tainted node.cilium.io/agent-not-ready").And.Contain("scheduler retries");
        decision.AuditAnnotations["reason"].Should().Be("binding-to-tainted-node");
    }

    [Theory]
    [InlineData(GuardMode.Deny)]
    [InlineData(GuardMode.Gate)]
    public void Binding_of_a_pod_missing_from_the_cache_onto_a_tainted_node_is_refused_so_that_the_scheduler_retries(GuardMode mode)
    {
        var decision = PodAdmission.DecideBinding(new PodBinding(Namespace, "not-cached", TaintedNode), Snapshot(mode), AdmissionPolicy.Default);

        decision.Allowed.Should().BeFalse();
        decision.DenialMessage.Should().Be($"node {TaintedNode} is still tainted node.cilium.io/agent-not-ready: pod would start without Cilium networking. "
            + $"AdmissionGuard has not seen pod {Namespace}/not-cached yet and cannot tell whether it needs Cilium, so it refuses the binding; the scheduler retries");
        decision.AuditAnnotations["reason"].Should().Be("pod-not-in-cache");
        decision.AuditAnnotations["node"].Should().Be(TaintedNode);
    }

    [Theory]
    [InlineData(GuardMode.Deny, ReadyNode)]
    [InlineData(GuardMode.Warn, TaintedNode)]
    public void Binding_of_a_pod_missing_from_the_cache_fails_open_onto_a_ready_node_or_in_warn_mode(GuardMode mode, string node)
    {
        var decision = PodAdmission.DecideBinding(new PodBinding(Namespace, "not-cached", node), Snapshot(mode), AdmissionPolicy.Default);

        decision.Allowed.Should().BeTrue();
        decision.Outcome.Should().Be(AdmissionOutcome.Allowed);
        decision.Warnings.Should().BeEmpty();
        decision.AuditAnnotations["reason"].Should().Be("pod-not-in-cache");
        decision.AuditAnnotations["node"].Should().Be(node);
    }

    [Fact]
    public void Binding_of_a_recreated_pod_the_cache_still_holds_under_its_old_uid_fails_open()
    {
        var stale = Unpinned with { Uid = "uid-old" };

        var decision = PodAdmission.DecideBinding(new PodBinding(Namespace, stale.Name, ReadyNode, PodUid: "uid-new"), Snapshot(GuardMode.Deny, pods: [stale]), AdmissionPolicy.Default);

        decision.Outcome.Should().Be(AdmissionOutcome.Allowed);
        decision.AuditAnnotations["reason"].Should().Be("pod-not-in-cache", "the cached pod with the old uid is another pod");
    }

    [Fact]
    public void Binding_naming_the_cached_pods_uid_is_decided_on_that_pod()
    {
        var pod = Unpinned with { Uid = "uid-current" };

        var decision = PodAdmission.DecideBinding(new PodBinding(Namespace, pod.Name, TaintedNode, PodUid: "uid-current"), Snapshot(pods: [pod]), AdmissionPolicy.Default);

        decision.Outcome.Should().Be(AdmissionOutcome.Denied);
    }

    [Fact]
    public void Binding_of_a_host_network_pod_is_skipped()
    {
        var pod = Unpinned with { HostNetwork = true };

        var decision = PodAdmission.DecideBinding(new PodBinding(Namespace, pod.Name, TaintedNode), Snapshot(GuardMode.Deny, pods: [pod]), AdmissionPolicy.Default);

        decision.Outcome.Should().Be(AdmissionOutcome.Skipped);
    }
}
