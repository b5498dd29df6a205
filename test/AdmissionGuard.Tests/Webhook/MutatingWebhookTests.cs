using System.Net;
using AdmissionGuard.Core;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Webhook;

public sealed class MutatingWebhookTests
{
    [Fact]
    public async Task Ebs_csi_node_pinned_to_a_tainted_node_gets_the_scheduling_gate()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod, uid: "uid-ebs-1"));

        result.StatusCode.Should().Be(HttpStatusCode.OK);
        result.ContentType.Should().Be("application/json");
        result.Uid.Should().Be("uid-ebs-1");
        result.Allowed.Should().BeTrue();
        var patched = result.ApplyPatchTo(pod);
        patched.SchedulingGates().Should().Equal(WellKnown.SchedulingGate);
        patched["spec"]!["containers"]!.AsArray().Should().HaveCount(2, "the patch only adds the gate");
        result.Warnings.Should().ContainSingle().Which.Should().Contain(TestCluster.TaintedNode).And.Contain(WellKnown.CiliumAgentNotReadyTaint);
        result.AuditAnnotations["decision"].Should().Be("gated");
    }

    [Fact]
    public async Task Istio_cni_node_with_blanket_tolerations_gets_the_gate_too()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.IstioCniNode();

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod));

        result.ApplyPatchTo(pod).SchedulingGates().Should().Equal(WellKnown.SchedulingGate);
    }

    [Fact]
    public async Task Existing_gates_of_other_webhooks_are_kept_and_ours_is_appended()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode().WithSchedulingGates("example.com/quota", "example.com/volume");

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod));

        result.PatchText.Should().Contain("/spec/schedulingGates/-");
        result.ApplyPatchTo(pod).SchedulingGates().Should().Equal("example.com/quota", "example.com/volume", WellKnown.SchedulingGate);
    }

    [Fact]
    public async Task Null_scheduling_gates_are_replaced_by_a_list_with_ours()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode().WithSchedulingGates(null);

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod));

        result.ApplyPatchTo(pod).SchedulingGates().Should().Equal(WellKnown.SchedulingGate);
    }

    [Fact]
    public async Task A_pod_that_already_has_our_gate_gets_no_patch()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode().WithSchedulingGates(WellKnown.SchedulingGate);

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod));

        result.Allowed.Should().BeTrue();
        result.HasPatch.Should().BeFalse();
        result.AuditAnnotations["decision"].Should().Be("gated");
    }

    [Fact]
    public async Task Reinvoked_with_its_own_patched_pod_it_adds_nothing_so_the_gate_is_there_once()
    {
        // reinvocationPolicy IfNeeded: the apiserver calls the webhook again with what it and later mutators made.
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode().WithSchedulingGates("example.com/quota");
        var patched = (await guard.MutateAsync(AdmissionReviews.PodCreate(pod))).ApplyPatchTo(pod);

        var again = await guard.MutateAsync(AdmissionReviews.PodCreate(patched.AsObject()));

        again.Allowed.Should().BeTrue();
        again.HasPatch.Should().BeFalse();
        patched.SchedulingGates().Should().Equal("example.com/quota", WellKnown.SchedulingGate);
    }

    [Fact]
    public async Task Aws_node_with_host_network_is_left_alone()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.AwsNode()));

        result.Allowed.Should().BeTrue();
        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().BeEmpty();
        result.AuditAnnotations.Should().BeEmpty();
    }

    [Fact]
    public async Task A_pod_pinned_to_a_ready_node_passes_untouched()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode().PinnedTo(TestCluster.ReadyNode)));

        result.Allowed.Should().BeTrue();
        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().BeEmpty();
    }

    [Fact]
    public async Task A_pod_pinned_to_an_unknown_node_is_allowed_with_a_warning()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode().PinnedTo("ip-10-0-9-9")));

        result.Allowed.Should().BeTrue();
        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().ContainSingle().Which.Should().Contain("ip-10-0-9-9");
    }

    [Fact]
    public async Task Node_name_pod_cannot_be_gated_and_is_warned()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode().WithNodeName(TestCluster.TaintedNode)));

        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().HaveCount(2).And.Contain(w => w.Contains("spec.nodeName", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unpinned_pod_that_tolerates_the_taint_is_warned_at_create()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.Web(), podNamespace: "default"));

        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().ContainSingle().Which.Should().StartWith($"node {TestCluster.TaintedNode} is still tainted");
    }

    [Fact]
    public async Task Without_a_reconciler_gate_mode_warns_instead_of_gating()
    {
        await using var guard = await GuardTestHost.StartAsync(TestCluster.Snapshot(gateReleaserAlive: false));

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode()));

        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().Contain(w => w.Contains("no reconciler is running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Warn_mode_from_options_warns_without_patch()
    {
        await using var guard = await GuardTestHost.StartAsync(settings: "--Admission:Mode=warn");

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode()));

        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().Equal(
            "node ip-10-0-1-7 is still tainted node.cilium.io/agent-not-ready: pod would start without Cilium networking");
        result.AuditAnnotations["decision"].Should().Be("warned");
    }

    [Fact]
    public async Task Off_mode_from_options_says_nothing()
    {
        await using var guard = await GuardTestHost.StartAsync(settings: "--Admission:Mode=off");

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode()));

        result.Allowed.Should().BeTrue();
        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().BeEmpty();
    }

    [Fact]
    public async Task Excluded_namespace_from_options_is_skipped()
    {
        await using var guard = await GuardTestHost.StartAsync(settings: "--Admission:ExcludedNamespaces:0=kube-system");

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode()));

        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().BeEmpty();
    }

    [Fact]
    public async Task Mislabelled_namespace_falls_back_to_gate_and_warns_about_the_label()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod, podNamespace: TestCluster.MislabelledNamespace));

        result.ApplyPatchTo(pod).SchedulingGates().Should().Equal(WellKnown.SchedulingGate);
        result.Warnings[0].Should().Contain("admissionguard.io/mode=gat");
    }

    [Fact]
    public async Task Dry_run_is_answered_exactly_like_a_real_request()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();

        var real = await guard.MutateAsync(AdmissionReviews.PodCreate(pod, dryRun: false));
        var dryRun = await guard.MutateAsync(AdmissionReviews.PodCreate(pod, dryRun: true));

        dryRun.Body.Should().Be(real.Body);
    }

    [Fact]
    public async Task The_apiserver_timeout_query_string_is_ignored()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();

        var result = await guard.PostAsync("/mutate-pods?timeout=10s", AdmissionReviews.PodCreate(pod));

        result.ApplyPatchTo(pod).SchedulingGates().Should().Equal(WellKnown.SchedulingGate);
    }

    [Fact]
    public async Task Deny_namespace_pod_passes_mutation_silently_for_the_validating_webhook_to_refuse()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode(), podNamespace: TestCluster.DenyNamespace));

        result.Allowed.Should().BeTrue();
        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().BeEmpty();
    }

    [Fact]
    public async Task A_binding_sent_to_the_mutating_webhook_is_not_its_business()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.MutateAsync(AdmissionReviews.BindingCreate("default", "web", TestCluster.TaintedNode, uid: "uid-b"));

        result.Uid.Should().Be("uid-b");
        result.Allowed.Should().BeTrue();
        result.HasPatch.Should().BeFalse();
    }
}
