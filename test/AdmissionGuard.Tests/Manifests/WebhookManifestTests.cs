using k8s.Models;

namespace AdmissionGuard.Tests.Manifests;

public sealed class WebhookManifestTests
{
    private const string GuardNamespace = "admissionguard-system";

    private static Task<RenderedManifests> RenderDefaultAsync() =>
        Kustomize.RenderAsync("config/default", TestContext.Current.CancellationToken);

    private static V1MutatingWebhook Gate(RenderedManifests manifests) =>
        manifests.Single<V1MutatingWebhookConfiguration>("admissionguard").Webhooks.Should().ContainSingle().Subject;

    private static V1ValidatingWebhook Check(RenderedManifests manifests) =>
        manifests.Single<V1ValidatingWebhookConfiguration>("admissionguard").Webhooks.Should().ContainSingle().Subject;

    [Fact]
    public async Task The_webhook_service_forwards_443_to_the_guard_webhook_port_9443()
    {
        var manifests = await RenderDefaultAsync();
        var service = manifests.Single<V1Service>("admissionguard-webhook");
        var deployment = manifests.Single<V1Deployment>("admissionguard");
        var port = service.Spec.Ports.Should().ContainSingle().Subject;
        var target = deployment.Spec.Template.Spec.Containers.Single().Ports.Single(p => p.Name == port.TargetPort.Value);

        port.Port.Should().Be(443);
        target.ContainerPort.Should().Be(9443);
        service.Spec.Selector.Should().BeEquivalentTo(deployment.Spec.Selector.MatchLabels);
    }

    [Fact]
    public async Task The_mutating_webhook_gates_pod_creations_on_mutate_pods()
    {
        var gate = Gate(await RenderDefaultAsync());

        gate.Name.Should().Be("gate.pods.admissionguard.io");
        gate.ClientConfig.Service.Path.Should().Be("/mutate-pods");
        gate.Rules.Should().ContainSingle().Which.Should().BeEquivalentTo(new V1RuleWithOperations
        {
            ApiGroups = [""],
            ApiVersions = ["v1"],
            Operations = ["CREATE"],
            Resources = ["pods"],
            Scope = "Namespaced",
        });
        gate.ReinvocationPolicy.Should().Be("IfNeeded", "mutators that run after ours (name order) may add tolerations");
    }

    [Fact]
    public async Task The_validating_webhook_checks_pod_creations_and_bindings_on_validate_pods()
    {
        var check = Check(await RenderDefaultAsync());

        check.Name.Should().Be("check.pods.admissionguard.io");
        check.ClientConfig.Service.Path.Should().Be("/validate-pods");
        var rule = check.Rules.Should().ContainSingle().Subject;
        rule.Operations.Should().Equal("CREATE");
        rule.Resources.Should().BeEquivalentTo("pods", "pods/binding");
        rule.ApiGroups.Should().Equal("");
        check.ObjectSelector.Should().BeNull("a binding carries no labels of its pod");
    }

    [Fact]
    public async Task Both_webhooks_fail_open_fast_without_side_effects_and_call_the_webhook_service()
    {
        var manifests = await RenderDefaultAsync();
        var gate = Gate(manifests);
        var check = Check(manifests);
        var settings = new[]
        {
            (gate.FailurePolicy, gate.TimeoutSeconds, gate.SideEffects, gate.AdmissionReviewVersions, gate.ClientConfig),
            (check.FailurePolicy, check.TimeoutSeconds, check.SideEffects, check.AdmissionReviewVersions, check.ClientConfig),
        };

        foreach (var (failurePolicy, timeoutSeconds, sideEffects, reviewVersions, clientConfig) in settings)
        {
            failurePolicy.Should().Be("Ignore");
            timeoutSeconds.Should().Be(3);
            sideEffects.Should().Be("None");
            reviewVersions.Should().Equal("v1");
            clientConfig.Service.Name.Should().Be("admissionguard-webhook");
            clientConfig.Service.NamespaceProperty.Should().Be(GuardNamespace);
            clientConfig.Service.Port.Should().Be(443);
            clientConfig.Url.Should().BeNull();
        }
    }

    [Fact]
    public async Task Both_webhooks_skip_kube_system_the_guard_namespace_and_namespaces_switched_off()
    {
        var manifests = await RenderDefaultAsync();

        foreach (var selector in new[] { Gate(manifests).NamespaceSelector, Check(manifests).NamespaceSelector })
        {
            selector.MatchLabels.Should().BeNullOrEmpty();
            selector.MatchExpressions.Should().BeEquivalentTo(new[]
            {
                new V1LabelSelectorRequirement
                {
                    Key = "kubernetes.io/metadata.name", OperatorProperty = "NotIn", Values = ["kube-system", GuardNamespace],
                },
                new V1LabelSelectorRequirement { Key = "admissionguard.io/mode", OperatorProperty = "NotIn", Values = ["off"] },
            });
        }
    }

    [Fact]
    public async Task The_gate_skips_host_network_and_mirror_pods_and_opted_out_pods_before_calling()
    {
        var gate = Gate(await RenderDefaultAsync());

        gate.MatchConditions.Select(c => c.Expression).Should().Equal(
            "!has(object.spec.hostNetwork) || !object.spec.hostNetwork",
            "!has(object.metadata.annotations) || !('kubernetes.io/config.mirror' in object.metadata.annotations)");
        gate.ObjectSelector.MatchExpressions.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new V1LabelSelectorRequirement { Key = "admissionguard.io/ignore", OperatorProperty = "NotIn", Values = ["true"] });
    }

    [Fact]
    public async Task The_check_lets_every_binding_through_its_pod_conditions_so_a_binding_is_never_skipped_by_error()
    {
        var check = Check(await RenderDefaultAsync());

        // A Binding has no spec.hostNetwork: the pod expressions would fail on it and, failing open,
        // silently skip the binding check. Each condition must be true for bindings before touching the pod.
        // request.subResource is absent (not "") for a plain pod CREATE: it is read only behind has().
        check.MatchConditions.Should().HaveCount(2).And.OnlyContain(c =>
            c.Expression.StartsWith("(has(request.subResource) && request.subResource == 'binding') || ", StringComparison.Ordinal));
        check.MatchConditions.Select(c => c.Expression).Should().Contain(e => e.Contains("object.spec.hostNetwork", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("kubernetes.io/config.mirror", StringComparison.Ordinal));
    }
}
