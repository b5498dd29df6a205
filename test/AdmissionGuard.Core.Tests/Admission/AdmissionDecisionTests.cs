using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Pods;
using static AdmissionGuard.Core.Tests.Admission.Scenario;

namespace AdmissionGuard.Core.Tests.Admission;

/// <summary>Each webhook returns its own share of a pod CREATE decision, so kubectl never shows a warning twice.</summary>
public sealed class AdmissionDecisionTests
{
    private static AdmissionDecision Decide(GuardMode mode, TargetKind target = TargetKind.PinnedByAffinity, string? label = null) =>
        PodAdmission.DecideCreate(Pod(target), Snapshot(mode, namespaceLabel: label), AdmissionPolicy.Default);

    [Theory]
    [InlineData(GuardMode.Gate, AdmissionOutcome.Gated, true)]
    [InlineData(GuardMode.Warn, AdmissionOutcome.Warned, false)]
    public void Mutating_share_keeps_gate_warnings_and_annotations(GuardMode mode, AdmissionOutcome outcome, bool addGate)
    {
        var share = Decide(mode).ForMutatingPodCreate();

        share.Outcome.Should().Be(outcome);
        share.Allowed.Should().BeTrue();
        share.AddGate.Should().Be(addGate);
        share.Warnings.Should().NotBeEmpty();
        share.AuditAnnotations.Should().NotBeEmpty();
    }

    [Fact]
    public void Mutating_share_of_a_denial_admits_silently()
    {
        var share = Decide(GuardMode.Deny).ForMutatingPodCreate();

        share.Allowed.Should().BeTrue();
        share.Outcome.Should().Be(AdmissionOutcome.Skipped);
        share.Warnings.Should().BeEmpty();
        share.AuditAnnotations.Should().BeEmpty();
    }

    [Fact]
    public void Namespace_warning_stays_with_the_mutating_share_when_the_pod_is_denied()
    {
        var decision = PodAdmission.DecideCreate(Pod(TargetKind.PinnedByAffinity), Snapshot(namespaceLabel: "nope"), AdmissionPolicy.Default with { DefaultMode = GuardMode.Deny });

        decision.ForMutatingPodCreate().Warnings.Should().ContainSingle().Which.Should().Contain("admissionguard.io/mode=nope");
        decision.ForValidatingPodCreate().Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Validating_share_carries_the_denial_and_its_audit_but_no_warning()
    {
        var share = Decide(GuardMode.Deny).ForValidatingPodCreate();

        share.Allowed.Should().BeFalse();
        share.Outcome.Should().Be(AdmissionOutcome.Denied);
        share.DenialMessage.Should().Contain(TaintedNode);
        share.Warnings.Should().BeEmpty();
        share.AuditAnnotations["decision"].Should().Be("denied");
    }

    [Theory]
    [InlineData(GuardMode.Gate, TargetKind.PinnedByAffinity, AdmissionOutcome.Allowed)]
    [InlineData(GuardMode.Warn, TargetKind.NodeName, AdmissionOutcome.Allowed)]
    [InlineData(GuardMode.Deny, TargetKind.Unknown, AdmissionOutcome.Allowed)]
    [InlineData(GuardMode.Off, TargetKind.PinnedByAffinity, AdmissionOutcome.Skipped)]
    public void Validating_share_of_an_admitted_pod_is_empty(GuardMode mode, TargetKind target, AdmissionOutcome outcome)
    {
        var share = Decide(mode, target).ForValidatingPodCreate();

        share.Allowed.Should().BeTrue();
        share.Outcome.Should().Be(outcome);
        share.AddGate.Should().BeFalse();
        share.Warnings.Should().BeEmpty();
        share.AuditAnnotations.Should().BeEmpty();
    }

    [Theory]
    [InlineData(AdmissionOutcome.Skipped, "skipped")]
    [InlineData(AdmissionOutcome.Allowed, "allowed")]
    [InlineData(AdmissionOutcome.Warned, "warned")]
    [InlineData(AdmissionOutcome.Gated, "gated")]
    [InlineData(AdmissionOutcome.Denied, "denied")]
    public void Outcomes_have_stable_metric_label_values(AdmissionOutcome outcome, string label)
    {
        outcome.ToLabelValue().Should().Be(label);
    }
}
