using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Labels;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;
using static AdmissionGuard.Core.Tests.Admission.Scenario;

namespace AdmissionGuard.Core.Tests.Admission;

public sealed class PodAdmissionTests
{
    private static readonly AdmissionPolicy Policy = AdmissionPolicy.Default;

    // mode (namespace label), target, node, tolerates, gate releaser alive | outcome, allowed, add gate, warnings
    public static TheoryData<GuardMode, TargetKind, string, bool, bool, AdmissionOutcome, bool, bool, int> Cases => new()
    {
        // gate
        { GuardMode.Gate, TargetKind.PinnedByAffinity, TaintedNode, true, true, AdmissionOutcome.Gated, true, true, 1 },
        { GuardMode.Gate, TargetKind.PinnedByAffinity, TaintedNode, true, false, AdmissionOutcome.Warned, true, false, 2 },
        { GuardMode.Gate, TargetKind.PinnedByAffinity, TaintedNode, false, true, AdmissionOutcome.Allowed, true, false, 0 },
        { GuardMode.Gate, TargetKind.PinnedByAffinity, ReadyNode, true, true, AdmissionOutcome.Allowed, true, false, 0 },
        { GuardMode.Gate, TargetKind.PinnedByAffinity, MissingNode, true, true, AdmissionOutcome.Warned, true, false, 1 },
        { GuardMode.Gate, TargetKind.NodeName, TaintedNode, true, true, AdmissionOutcome.Warned, true, false, 2 },
        { GuardMode.Gate, TargetKind.NodeName, ReadyNode, true, true, AdmissionOutcome.Allowed, true, false, 0 },
        { GuardMode.Gate, TargetKind.NodeName, MissingNode, true, true, AdmissionOutcome.Warned, true, false, 1 },
        { GuardMode.Gate, TargetKind.Unknown, "", true, true, AdmissionOutcome.Warned, true, false, 1 },
        { GuardMode.Gate, TargetKind.Unknown, "", false, true, AdmissionOutcome.Allowed, true, false, 0 },
        // deny
        { GuardMode.Deny, TargetKind.PinnedByAffinity, TaintedNode, true, true, AdmissionOutcome.Denied, false, false, 0 },
        { GuardMode.Deny, TargetKind.PinnedByAffinity, TaintedNode, true, false, AdmissionOutcome.Denied, false, false, 0 },
        { GuardMode.Deny, TargetKind.PinnedByAffinity, TaintedNode, false, true, AdmissionOutcome.Allowed, true, false, 0 },
        { GuardMode.Deny, TargetKind.PinnedByAffinity, ReadyNode, true, true, AdmissionOutcome.Allowed, true, false, 0 },
        { GuardMode.Deny, TargetKind.PinnedByAffinity, MissingNode, true, true, AdmissionOutcome.Warned, true, false, 1 },
        { GuardMode.Deny, TargetKind.NodeName, TaintedNode, true, true, AdmissionOutcome.Denied, false, false, 0 },
        { GuardMode.Deny, TargetKind.Unknown, "", true, true, AdmissionOutcome.Warned, true, false, 1 },
        { GuardMode.Deny, TargetKind.Unknown, "", false, true, AdmissionOutcome.Allowed, true, false, 0 },
        // warn
        { GuardMode.Warn, TargetKind.PinnedByAffinity, TaintedNode, true, true, AdmissionOutcome.Warned, true, false, 1 },
        { GuardMode.Warn, TargetKind.NodeName, TaintedNode, true, true, AdmissionOutcome.Warned, true, false, 1 },
        { GuardMode.Warn, TargetKind.Unknown, "", true, true, AdmissionOutcome.Warned, true, false, 1 },
        { GuardMode.Warn, TargetKind.PinnedByAffinity, ReadyNode, true, true, AdmissionOutcome.Allowed, true, false, 0 },
        { GuardMode.Warn, TargetKind.PinnedByAffinity, TaintedNode, false, true, AdmissionOutcome.Allowed, true, false, 0 },
        // off
        { GuardMode.Off, TargetKind.PinnedByAffinity, TaintedNode, true, true, AdmissionOutcome.Skipped, true, false, 0 },
        { GuardMode.Off, TargetKind.NodeName, TaintedNode, true, true, AdmissionOutcome.Skipped, true, false, 0 },
        { GuardMode.Off, TargetKind.Unknown, "", true, true, AdmissionOutcome.Skipped, true, false, 0 },
        { GuardMode.Off, TargetKind.PinnedByAffinity, MissingNode, true, true, AdmissionOutcome.Skipped, true, false, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pod_create_is_decided_by_mode_target_and_taint(
        GuardMode mode, TargetKind target, string node, bool tolerates, bool releaserAlive,
        AdmissionOutcome outcome, bool allowed, bool addGate, int warnings)
    {
        var decision = PodAdmission.DecideCreate(Pod(target, node, tolerates), Snapshot(mode, gateReleaserAlive: releaserAlive), Policy);

        decision.Outcome.Should().Be(outcome);
        decision.Allowed.Should().Be(allowed);
        decision.AddGate.Should().Be(addGate);
        decision.Warnings.Should().HaveCount(warnings);
        (decision.DenialMessage is null).Should().Be(allowed);
        decision.Warnings.Should().NotContain(w => w.Contains("...", StringComparison.Ordinal), "ordinary names fit without shortening");
    }

    [Fact]
    public void Warning_names_the_node_and_the_taint()
    {
        var decision = PodAdmission.DecideCreate(Pod(TargetKind.PinnedByAffinity), Snapshot(GuardMode.Warn), Policy);

        decision.Warnings.Should().Equal(
            "node ip-10-0-1-7 is still tainted node.cilium.io/agent-not-ready: pod would start without Cilium networking");
    }

    [Fact]
    public void Gated_pod_is_audited_with_node_taint_and_mode()
    {
        var decision = PodAdmission.DecideCreate(Pod(TargetKind.PinnedByAffinity), Snapshot(GuardMode.Gate), Policy);

        decision.AuditAnnotations.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["decision"] = "gated",
            ["mode"] = "gate",
            ["reason"] = "pinned-to-tainted-node",
            ["node"] = TaintedNode,
            ["taint"] = "node.cilium.io/agent-not-ready:NoExecute",
        });
        decision.Warnings.Should().Equal(
            "node ip-10-0-1-7 is still tainted node.cilium.io/agent-not-ready: gate admissionguard.io/cni-ready holds the pod");
    }

    [Fact]
    public void Gate_already_present_is_not_added_twice()
    {
        var pod = Pod(TargetKind.PinnedByAffinity) with { SchedulingGates = [WellKnown.SchedulingGate] };

        var decision = PodAdmission.DecideCreate(pod, Snapshot(GuardMode.Gate), Policy);

        decision.Outcome.Should().Be(AdmissionOutcome.Gated);
        decision.AddGate.Should().BeFalse();
    }

    [Fact]
    public void Gate_mode_without_a_reconciler_warns_that_none_is_running()
    {
        var decision = PodAdmission.DecideCreate(Pod(TargetKind.PinnedByAffinity), Snapshot(GuardMode.Gate, gateReleaserAlive: false), Policy);

        decision.Warnings.Should().Contain(AdmissionMessages.NoReconciler);
        decision.Warnings.Should().Contain(w => w.Contains("no reconciler is running", StringComparison.Ordinal));
    }

    [Fact]
    public void Node_name_pod_in_gate_mode_is_told_it_cannot_be_gated()
    {
        var decision = PodAdmission.DecideCreate(Pod(TargetKind.NodeName), Snapshot(GuardMode.Gate), Policy);

        decision.Warnings.Should().Contain(AdmissionMessages.CannotGateNodeName);
        decision.AuditAnnotations["reason"].Should().Be("node-name-on-tainted-node");
    }

    [Fact]
    public void Denial_explains_node_taint_and_mode()
    {
        var decision = PodAdmission.DecideCreate(Pod(TargetKind.PinnedByAffinity), Snapshot(GuardMode.Deny), Policy);

        decision.DenialMessage.Should().StartWith("node ip-10-0-1-7 is still tainted node.cilium.io/agent-not-ready")
            .And.Contain("mode deny");
    }

    [Fact]
    public void Unknown_target_node_is_allowed_with_a_warning()
    {
        var decision = PodAdmission.DecideCreate(Pod(TargetKind.PinnedByAffinity, MissingNode), Snapshot(GuardMode.Deny), Policy);

        decision.Allowed.Should().BeTrue();
        decision.Warnings.Should().Equal(AdmissionMessages.UnknownNode(MissingNode));
        decision.AuditAnnotations["reason"].Should().Be("node-not-in-cache");
    }

    [Fact]
    public void Unpinned_pod_warning_names_the_first_tainted_node_and_how_many_more()
    {
        var nodes = new[] { "c", "a", "b" }.Select(n => new NodeFacts(n, [CiliumTaint]));

        var decision = PodAdmission.DecideCreate(Pod(TargetKind.Unknown), Snapshot(GuardMode.Gate, nodes: nodes), Policy);

        decision.Warnings.Should().ContainSingle().Which.Should().StartWith("node a and 2 more are still tainted node.cilium.io/agent-not-ready");
    }

    [Fact]
    public void Unpinned_pod_counts_each_node_by_its_own_taints_when_nodes_share_taint_lists()
    {
        // As in the caches, nodes with equal taints share one list: the decision may judge a list once for a run of
        // nodes, but never carry one node's answer over to a node with other taints.
        IReadOnlyList<Taint> tolerated = [CiliumTaint];
        IReadOnlyList<Taint> untolerated = [new Taint(CiliumTaint.Key, CiliumTaint.Value, "NoSchedule")];
        var nodes = new[] { ("b", untolerated), ("c", tolerated), ("d", tolerated), ("a", untolerated), ("e", untolerated), ("f", tolerated) }
            .Select(n => new NodeFacts(n.Item1, n.Item2));

        var decision = PodAdmission.DecideCreate(Pod(TargetKind.Unknown), Snapshot(GuardMode.Gate, nodes: nodes), Policy);

        decision.Warnings.Should().ContainSingle().Which.Should().StartWith("node c and 2 more are still tainted node.cilium.io/agent-not-ready");
    }

    [Fact]
    public void Unpinned_pod_is_allowed_when_no_node_is_tainted()
    {
        var decision = PodAdmission.DecideCreate(Pod(TargetKind.Unknown), Snapshot(GuardMode.Deny, nodes: [new NodeFacts(ReadyNode, [])]), Policy);

        decision.Outcome.Should().Be(AdmissionOutcome.Allowed);
    }

    public static TheoryData<PodFacts> PodsThatNeedNoGuard => new()
    {
        Pod(TargetKind.PinnedByAffinity) with { HostNetwork = true },
        Pod(TargetKind.PinnedByAffinity) with { IsMirror = true },
        Pod(TargetKind.PinnedByAffinity) with { Labels = new Dictionary<string, string> { [WellKnown.IgnoreLabel] = "true" } },
        Pod(TargetKind.PinnedByAffinity) with { Namespace = "admissionguard-system" },
        Pod(TargetKind.PinnedByAffinity) with { Labels = new Dictionary<string, string> { ["app"] = "legacy" } },
    };

    [Theory]
    [MemberData(nameof(PodsThatNeedNoGuard))]
    public void Pods_that_need_no_cni_or_are_excluded_are_skipped(PodFacts pod)
    {
        var policy = Policy with { Exclusions = new ExclusionPolicy(new HashSet<string> { "admissionguard-system" }, LabelSelector.Parse("app=legacy")) };

        var decision = PodAdmission.DecideCreate(pod, Snapshot(GuardMode.Deny), policy);

        decision.Outcome.Should().Be(AdmissionOutcome.Skipped);
        decision.Warnings.Should().BeEmpty();
        decision.AuditAnnotations.Should().BeEmpty();
    }

    [Theory]
    [InlineData(GuardMode.Gate, null, AdmissionOutcome.Gated)]
    [InlineData(GuardMode.Gate, "deny", AdmissionOutcome.Denied)]
    [InlineData(GuardMode.Gate, "WARN", AdmissionOutcome.Warned)]
    [InlineData(GuardMode.Gate, "off", AdmissionOutcome.Skipped)]
    [InlineData(GuardMode.Off, "gate", AdmissionOutcome.Gated)]
    [InlineData(GuardMode.Deny, "warn", AdmissionOutcome.Warned)]
    public void Namespace_label_overrides_the_default_mode(GuardMode defaultMode, string? label, AdmissionOutcome outcome)
    {
        var decision = PodAdmission.DecideCreate(Pod(TargetKind.PinnedByAffinity), Snapshot(namespaceLabel: label), Policy with { DefaultMode = defaultMode });

        decision.Outcome.Should().Be(outcome);
    }

    [Fact]
    public void Invalid_namespace_label_falls_back_to_the_default_and_says_so()
    {
        var decision = PodAdmission.DecideCreate(Pod(TargetKind.PinnedByAffinity), Snapshot(namespaceLabel: "gat"), Policy);

        decision.Outcome.Should().Be(AdmissionOutcome.Gated);
        decision.Warnings.Should().HaveCount(2);
        decision.Warnings[0].Should().Be(
            "namespace kube-system: label admissionguard.io/mode=gat is not one of off, warn, gate, deny; using gate");
    }

    [Fact]
    public void Only_configured_taint_keys_count()
    {
        var policy = Policy with { TaintKeys = ["example.com/cni-not-ready"] };

        PodAdmission.DecideCreate(Pod(TargetKind.PinnedByAffinity), Snapshot(GuardMode.Gate), policy).Outcome.Should().Be(AdmissionOutcome.Allowed);

        var other = new NodeFacts(TaintedNode, [new Taint("example.com/cni-not-ready", "", "NoSchedule")]);
        var pod = Pod(TargetKind.PinnedByAffinity) with { Tolerations = [new Toleration("", Toleration.OperatorExists, "", "")] };
        PodAdmission.DecideCreate(pod, Snapshot(GuardMode.Gate, nodes: [other]), policy).Outcome.Should().Be(AdmissionOutcome.Gated);
    }

    [Fact]
    public void Pod_that_tolerates_only_one_of_two_not_ready_taints_cannot_land_and_is_allowed()
    {
        var node = new NodeFacts(TaintedNode, [new Taint(WellKnown.CiliumAgentNotReadyTaint, "", "NoSchedule"), CiliumTaint]);

        var decision = PodAdmission.DecideCreate(Pod(TargetKind.PinnedByAffinity), Snapshot(GuardMode.Deny, nodes: [node]), Policy);

        decision.Outcome.Should().Be(AdmissionOutcome.Allowed);
    }
}
