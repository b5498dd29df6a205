using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Webhook;

public sealed class ValidatingWebhookTests
{
    [Fact]
    public async Task Gate_mode_pod_create_is_allowed_without_patch_or_warning()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.ValidateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode(), uid: "uid-v1"));

        result.Uid.Should().Be("uid-v1");
        result.Allowed.Should().BeTrue();
        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().BeEmpty("the mutating webhook already warned");
    }

    [Fact]
    public async Task Deny_namespace_refuses_a_pinned_pod_on_a_tainted_node()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.ValidateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode(), podNamespace: TestCluster.DenyNamespace));

        result.Allowed.Should().BeFalse();
        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().BeEmpty();
        result.Response["status"]!["code"]!.GetValue<int>().Should().Be(403);
        result.DenialMessage.Should().StartWith("node ip-10-0-1-7 is still tainted node.cilium.io/agent-not-ready");
        result.AuditAnnotations["decision"].Should().Be("denied");
    }

    [Fact]
    public async Task Deny_mode_from_options_refuses_a_node_name_pod()
    {
        await using var guard = await GuardTestHost.StartAsync(settings: "--Admission:Mode=deny");

        var result = await guard.ValidateAsync(AdmissionReviews.PodCreate(PodFixtures.IstioCniNode().WithNodeName(TestCluster.TaintedNode)));

        result.Allowed.Should().BeFalse();
        result.DenialMessage.Should().Contain(TestCluster.TaintedNode);
    }

    [Fact]
    public async Task Pod_namespace_comes_from_the_request_when_the_metadata_has_none()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.Web().WithNodeName(TestCluster.TaintedNode);

        var result = await guard.ValidateAsync(AdmissionReviews.PodCreate(pod, podNamespace: TestCluster.DenyNamespace));

        result.Allowed.Should().BeFalse();
    }

    [Fact]
    public async Task Binding_of_a_tolerating_pod_onto_a_tainted_node_is_refused()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.ValidateAsync(AdmissionReviews.BindingCreate("default", "web", TestCluster.TaintedNode, uid: "uid-bind"));

        result.Uid.Should().Be("uid-bind");
        result.Allowed.Should().BeFalse();
        result.HasPatch.Should().BeFalse();
        result.DenialMessage.Should().Contain("scheduler retries");
        result.AuditAnnotations["reason"].Should().Be("binding-to-tainted-node");
    }

    [Fact]
    public async Task Binding_onto_a_ready_node_is_allowed()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.ValidateAsync(AdmissionReviews.BindingCreate("default", "web", TestCluster.ReadyNode));

        result.Allowed.Should().BeTrue();
        result.Warnings.Should().BeEmpty();
    }

    [Fact]
    public async Task Binding_of_a_pod_the_cache_has_not_seen_is_refused_onto_a_tainted_node_and_fails_open_elsewhere()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var tainted = await guard.ValidateAsync(AdmissionReviews.BindingCreate("default", "brand-new", TestCluster.TaintedNode));
        var ready = await guard.ValidateAsync(AdmissionReviews.BindingCreate("default", "brand-new", TestCluster.ReadyNode));

        tainted.Allowed.Should().BeFalse();
        tainted.AuditAnnotations["reason"].Should().Be("pod-not-in-cache");
        ready.Allowed.Should().BeTrue();
        ready.AuditAnnotations["reason"].Should().Be("pod-not-in-cache");
    }

    [Fact]
    public async Task Warn_mode_binding_is_allowed_with_a_warning()
    {
        await using var guard = await GuardTestHost.StartAsync(settings: "--Admission:Mode=warn");

        var result = await guard.ValidateAsync(AdmissionReviews.BindingCreate("default", "web", TestCluster.TaintedNode));

        result.Allowed.Should().BeTrue();
        result.Warnings.Should().ContainSingle().Which.Should().Contain(TestCluster.TaintedNode);
    }
}
