using System.Net;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using AdmissionGuard.Sandbox.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Admission;

/// <summary>Registered webhooks are called like kube-apiserver calls them, over HTTPS with caBundle verification.</summary>
public sealed class WebhookAdmissionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static V1Pod Pod(string name, bool hostNetwork = false, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = labels },
        Spec = new V1PodSpec { HostNetwork = hostNetwork, Containers = [new V1Container { Name = "app", Image = "nginx" }] },
    };

    private static V1RuleWithOperations Rule(params string[] resources) =>
        new() { Operations = ["CREATE"], ApiGroups = [""], ApiVersions = ["v1"], Resources = resources };

    private static Task<V1MutatingWebhookConfiguration> RegisterMutatingAsync(SandboxServer sandbox, V1MutatingWebhook webhook) =>
        sandbox.Api.CreateAsync(new V1MutatingWebhookConfiguration { Metadata = new V1ObjectMeta { Name = "test" }, Webhooks = [webhook] }, cancellationToken: Ct);

    private static Task<V1ValidatingWebhookConfiguration> RegisterValidatingAsync(SandboxServer sandbox, V1ValidatingWebhook webhook) =>
        sandbox.Api.CreateAsync(new V1ValidatingWebhookConfiguration { Metadata = new V1ObjectMeta { Name = "test" }, Webhooks = [webhook] }, cancellationToken: Ct);

    private static V1ValidatingWebhook Validating(TestWebhook webhook, string failurePolicy = "Fail", int? timeoutSeconds = null, params string[] resources) => new()
    {
        Name = "check.test.io",
        ClientConfig = webhook.ClientConfig("/validate"),
        Rules = [Rule(resources.Length == 0 ? ["pods"] : resources)],
        FailurePolicy = failurePolicy,
        TimeoutSeconds = timeoutSeconds,
        SideEffects = "None",
        AdmissionReviewVersions = ["v1"],
    };

    /// <summary>A validating webhook nothing listens for.</summary>
    private static V1ValidatingWebhook Down(string failurePolicy) => new()
    {
        Name = "down.test.io",
        ClientConfig = new Admissionregistrationv1WebhookClientConfig { Url = "https://127.0.0.1:1/validate" },
        Rules = [Rule("pods")],
        FailurePolicy = failurePolicy,
        SideEffects = "None",
        AdmissionReviewVersions = ["v1"],
    };

    [Fact]
    public async Task Mutating_webhook_patch_is_applied_and_the_pod_is_stored_gated()
    {
        await using var webhook = await TestWebhook.StartAsync();
        webhook.Respond = request => TestWebhook.Allow(request, """[{"op":"add","path":"/spec/schedulingGates","value":[{"name":"admissionguard.io/cni-ready"}]}]""");
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterMutatingAsync(sandbox, new V1MutatingWebhook
        {
            Name = "gate.test.io",
            ClientConfig = webhook.ClientConfig("/mutate"),
            Rules = [Rule("pods")],
            SideEffects = "None",
            AdmissionReviewVersions = ["v1"],
        });

        var created = await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: Ct);

        created.Spec.SchedulingGates.Should().ContainSingle().Which.Name.Should().Be("admissionguard.io/cni-ready");
        created.Status.Conditions.Should().ContainSingle(c => c.Reason == "SchedulingGated");
        webhook.Requests.Should().ContainSingle().Which["operation"]!.GetValue<string>().Should().Be("CREATE");
    }

    [Fact]
    public async Task Denial_is_returned_with_the_webhook_name_and_message()
    {
        await using var webhook = await TestWebhook.StartAsync();
        webhook.Respond = request => TestWebhook.Deny(request, 403, "node node-1 is not ready");
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterValidatingAsync(sandbox, Validating(webhook));

        var create = () => sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: Ct);

        var failure = (await create.Should().ThrowAsync<HttpOperationException>()).Which;
        failure.Response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        failure.Response.Content.Should().Contain("admission webhook \\\"check.test.io\\\" denied the request: node node-1 is not ready");
        sandbox.Api.Get<V1Pod>("default", "web").Should().BeNull();
    }

    [Fact]
    public async Task A_webhook_that_is_down_is_ignored_with_failure_policy_ignore_and_refuses_with_fail()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterValidatingAsync(sandbox, Down("Ignore"));

        await sandbox.Api.CreateAsync(Pod("admitted"), cancellationToken: Ct);
        var configuration = sandbox.Api.Get<V1ValidatingWebhookConfiguration>(null, "test")!;
        configuration.Webhooks[0].FailurePolicy = "Fail";
        await sandbox.Api.UpdateAsync(configuration, cancellationToken: Ct);
        var refused = () => sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("refused"), "default", cancellationToken: Ct);

        sandbox.Api.Get<V1Pod>("default", "admitted").Should().NotBeNull();
        var failure = (await refused.Should().ThrowAsync<HttpOperationException>()).Which;
        failure.Response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        failure.Response.Content.Should().Contain("failed calling webhook");
    }

    private const string Requests = "apiserver_admission_webhook_request_total";
    private const string Rejections = "apiserver_admission_webhook_rejection_count";
    private const string FailOpen = "apiserver_admission_webhook_fail_open_count";
    private const string MatchConditionErrors = "apiserver_admission_match_condition_evaluation_errors_total";

    [Fact]
    public async Task Each_call_is_counted_as_kube_apiserver_counts_it_by_webhook_type_code_and_rejection()
    {
        await using var webhook = await TestWebhook.StartAsync();
        webhook.Respond = request => (string?)request["name"] == "refused" ? TestWebhook.Deny(request, 403, "no") : TestWebhook.Allow(request);
        await using var mutator = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterValidatingAsync(sandbox, Validating(webhook));
        await RegisterMutatingAsync(sandbox, Mutating(mutator, "gate.test.io", null));

        await sandbox.Api.CreateAsync(Pod("admitted"), cancellationToken: Ct);
        var refused = () => sandbox.Api.CreateAsync(Pod("refused"), cancellationToken: Ct);
        await refused.Should().ThrowAsync<ApiException>();

        var metrics = await ScrapedMetrics.ScrapeAsync(sandbox.AdmissionMetrics);
        (string, string) Validate = ("type", "validating"), Create = ("operation", "CREATE");
        metrics.Sum(Requests, ("name", "check.test.io"), Validate, Create, ("code", "200"), ("rejected", "false")).Should().Be(1);
        metrics.Sum(Requests, ("name", "check.test.io"), Validate, Create, ("code", "403"), ("rejected", "true")).Should().Be(1);
        metrics.Sum(Requests, ("name", "gate.test.io"), ("type", "admit"), Create, ("code", "200"), ("rejected", "false")).Should().Be(2);
        metrics.Sum(Rejections, ("name", "check.test.io"), Validate, Create, ("error_type", "no_error"), ("rejection_code", "403")).Should().Be(1);
        metrics.Sum(Rejections).Should().Be(1, "only the denial is a rejection");
        metrics.Sum("apiserver_admission_webhook_admission_duration_seconds_count", ("name", "check.test.io"), ("rejected", "true")).Should().Be(1);
        metrics.Sum("apiserver_admission_webhook_admission_duration_seconds_bucket", ("name", "gate.test.io"), ("le", "+Inf")).Should().Be(2);
        metrics.Sum(FailOpen).Should().Be(0);
    }

    [Theory]
    [InlineData("Ignore")]
    [InlineData("Fail")]
    public async Task An_unreachable_webhook_fails_open_under_Ignore_and_is_a_calling_webhook_error_under_Fail(string failurePolicy)
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterValidatingAsync(sandbox, Down(failurePolicy));

        try
        {
            await sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);
        }
        catch (ApiException e) when (failurePolicy == "Fail" && e.Status.Code == 500)
        {
        }

        var metrics = await ScrapedMetrics.ScrapeAsync(sandbox.AdmissionMetrics);
        var ignored = failurePolicy == "Ignore";
        // A failure without an HTTP status is a Bad Request to kube-apiserver ("error calling webhook").
        metrics.Sum(Requests, ("name", "down.test.io"), ("code", "400"), ("rejected", ignored ? "false" : "true")).Should().Be(1);
        metrics.Sum(FailOpen, ("name", "down.test.io"), ("type", "validating")).Should().Be(ignored ? 1 : 0);
        metrics.Sum(Rejections, ("name", "down.test.io"), ("error_type", "calling_webhook_error"), ("rejection_code", "400")).Should().Be(ignored ? 0 : 1);
    }

    [Theory]
    [InlineData("Ignore")]
    [InlineData("Fail")]
    public async Task An_answer_with_a_field_of_the_wrong_type_is_a_failed_call_counted_400(string failurePolicy)
    {
        await using var webhook = await TestWebhook.StartAsync();
        webhook.Respond = request => new JsonObject { ["uid"] = (string?)request["uid"], ["allowed"] = "yes", ["warnings"] = new JsonArray(7) };
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterValidatingAsync(sandbox, Validating(webhook, failurePolicy));

        var create = () => sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);

        if (failurePolicy == "Ignore")
        {
            await create.Should().NotThrowAsync();
        }
        else
        {
            (await create.Should().ThrowAsync<ApiException>()).Which.Status.Message.Should().Contain("the webhook response cannot be decoded");
        }

        var metrics = await ScrapedMetrics.ScrapeAsync(sandbox.AdmissionMetrics);
        metrics.Sum(Requests, ("name", "check.test.io"), ("code", "400")).Should().Be(1);
        metrics.Sum(FailOpen).Should().Be(failurePolicy == "Ignore" ? 1 : 0);
    }

    [Fact]
    public async Task An_answer_for_another_uid_is_an_invalid_response_counted_503()
    {
        await using var webhook = await TestWebhook.StartAsync();
        webhook.Respond = request => TestWebhook.Allow(new JsonObject { ["uid"] = "someone-else" });
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterValidatingAsync(sandbox, Validating(webhook));

        var create = () => sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);

        (await create.Should().ThrowAsync<ApiException>()).Which.Status.Message.Should().Contain("expected response.uid");
        var metrics = await ScrapedMetrics.ScrapeAsync(sandbox.AdmissionMetrics);
        metrics.Sum(Requests, ("name", "check.test.io"), ("code", "503"), ("rejected", "true")).Should().Be(1);
        metrics.Sum(Rejections, ("error_type", "calling_webhook_error"), ("rejection_code", "503")).Should().Be(1);
    }

    [Fact]
    public async Task A_patch_the_apiserver_cannot_apply_fails_the_request_even_under_Ignore_as_an_internal_error()
    {
        await using var webhook = await TestWebhook.StartAsync();
        webhook.Respond = request => TestWebhook.Allow(request, """[{"op":"replace","path":"/spec/nowhere/deeper","value":1}]""");
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var hook = Mutating(webhook, "broken.test.io", null);
        hook.FailurePolicy = "Ignore";
        await RegisterMutatingAsync(sandbox, hook);

        var create = () => sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);

        (await create.Should().ThrowAsync<ApiException>()).Which.Status.Code.Should().Be(500);
        sandbox.Api.Get<V1Pod>("default", "web").Should().BeNull();
        var metrics = await ScrapedMetrics.ScrapeAsync(sandbox.AdmissionMetrics);
        metrics.Sum(Rejections, ("name", "broken.test.io"), ("type", "admit"), ("error_type", "apiserver_internal_error"), ("rejection_code", "0")).Should().Be(1);
        metrics.Sum(Requests, ("name", "broken.test.io"), ("code", "0"), ("rejected", "true")).Should().Be(1);
        metrics.Sum(FailOpen).Should().Be(0, "only a failed call fails open, never a patch that cannot be applied");
    }

    [Theory]
    [InlineData("Ignore", true)]
    [InlineData("Fail", false)]
    public async Task A_webhook_that_times_out_follows_its_failure_policy(string failurePolicy, bool admitted)
    {
        await using var webhook = await TestWebhook.StartAsync();
        webhook.Delay = TimeSpan.FromSeconds(5);
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterValidatingAsync(sandbox, Validating(webhook, failurePolicy, timeoutSeconds: 1));

        var create = () => sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);

        if (admitted)
        {
            await create.Should().NotThrowAsync();
        }
        else
        {
            (await create.Should().ThrowAsync<ApiException>()).Which.Status.Message.Should().Contain("context deadline exceeded");
        }
    }

    [Fact]
    public async Task Garbage_answers_and_untrusted_certificates_are_failed_calls()
    {
        await using var webhook = await TestWebhook.StartAsync();
        webhook.Respond = _ => null;
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var garbage = Validating(webhook);
        var untrusted = Validating(webhook);
        untrusted.Name = "untrusted.test.io";
        untrusted.ClientConfig.CaBundle = System.Text.Encoding.ASCII.GetBytes(sandbox.CaCertificatePem);
        await RegisterValidatingAsync(sandbox, garbage);

        var withGarbage = () => sandbox.Api.CreateAsync(Pod("a"), cancellationToken: Ct);
        (await withGarbage.Should().ThrowAsync<ApiException>()).Which.Code.Should().Be(500);

        webhook.Respond = request => TestWebhook.Allow(request);
        await sandbox.Api.DeleteAsync<V1ValidatingWebhookConfiguration>(null, "test", cancellationToken: Ct);
        await RegisterValidatingAsync(sandbox, untrusted);
        var withUntrusted = () => sandbox.Api.CreateAsync(Pod("b"), cancellationToken: Ct);
        (await withUntrusted.Should().ThrowAsync<ApiException>()).Which.Status.Message.Should().Contain("untrusted.test.io");
    }

    [Fact]
    public async Task In_process_binding_runs_the_pods_binding_webhook()
    {
        await using var webhook = await TestWebhook.StartAsync();
        webhook.Respond = request => (string?)request["subResource"] == "binding" && (string?)request["object"]?["target"]?["name"] == "tainted"
            ? TestWebhook.Deny(request, 403, "node tainted is not ready")
            : TestWebhook.Allow(request);
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterValidatingAsync(sandbox, Validating(webhook, resources: ["pods/binding"]));
        await sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);

        static V1Binding Binding(string node) => new()
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Target = new V1ObjectReference { Kind = "Node", Name = node },
        };
        var refused = () => sandbox.Api.BindAsync(Binding("tainted"), cancellationToken: Ct);
        (await refused.Should().ThrowAsync<ApiException>()).Which.Code.Should().Be(403);
        await sandbox.Api.BindAsync(Binding("ready"), cancellationToken: Ct);

        sandbox.Api.Get<V1Pod>("default", "web")!.Spec.NodeName.Should().Be("ready");
        webhook.Requests.Should().HaveCount(2).And.OnlyContain(r => (string?)r["kind"]!["kind"] == "Binding");
    }

    [Fact]
    public async Task Namespace_object_selectors_and_match_conditions_choose_which_pods_are_sent()
    {
        await using var webhook = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await sandbox.Api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "guarded", Labels = new Dictionary<string, string> { ["admissionguard.io/mode"] = "gate" } } }, cancellationToken: Ct);
        var hook = Validating(webhook);
        hook.NamespaceSelector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "admissionguard.io/mode", OperatorProperty = "Exists" }] };
        hook.ObjectSelector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "admissionguard.io/ignore", OperatorProperty = "NotIn", Values = ["true"] }] };
        hook.MatchConditions = [new V1MatchCondition { Name = "needs-cni", Expression = "!has(object.spec.hostNetwork) || !object.spec.hostNetwork" }];
        await RegisterValidatingAsync(sandbox, hook);

        await sandbox.Api.CreateAsync(Pod("other-namespace"), cancellationToken: Ct);
        var sent = Pod("sent");
        sent.Metadata.NamespaceProperty = "guarded";
        var optedOut = Pod("opted-out", labels: new Dictionary<string, string> { ["admissionguard.io/ignore"] = "true" });
        optedOut.Metadata.NamespaceProperty = "guarded";
        var hostNetwork = Pod("host-network", hostNetwork: true);
        hostNetwork.Metadata.NamespaceProperty = "guarded";
        foreach (var pod in new[] { sent, optedOut, hostNetwork })
        {
            await sandbox.Api.CreateAsync(pod, cancellationToken: Ct);
        }

        webhook.Requests.Select(r => (string?)r["name"]).Should().Equal("sent");
    }

    [Fact]
    public async Task A_match_condition_written_with_a_macro_sends_only_the_pods_it_selects()
    {
        await using var webhook = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var hook = Validating(webhook);
        hook.MatchConditions =
        [
            new V1MatchCondition
            {
                Name = "blanket-toleration",
                Expression = "has(object.spec.tolerations) && object.spec.tolerations.exists(t, t.operator == 'Exists' && !has(t.key))",
            },
        ];
        await RegisterValidatingAsync(sandbox, hook);

        var blanket = Pod("blanket");
        blanket.Spec.Tolerations = [new V1Toleration { OperatorProperty = "Exists", Effect = "NoExecute" }];
        var specific = Pod("specific");
        specific.Spec.Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Exists" }];
        foreach (var pod in new[] { blanket, specific, Pod("plain") })
        {
            await sandbox.Api.CreateAsync(pod, cancellationToken: Ct);
        }

        webhook.Requests.Select(r => (string?)r["name"]).Should().Equal("blanket");
    }

    [Fact]
    public async Task A_configuration_reads_back_with_kube_apiserver_s_defaults()
    {
        await using var webhook = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await sandbox.Api.CreateAsync(new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = "minimal" },
            Webhooks =
            [
                new V1MutatingWebhook
                {
                    Name = "gate.test.io", ClientConfig = webhook.ClientConfig("/mutate"), Rules = [Rule("pods")],
                    AdmissionReviewVersions = ["v1"], SideEffects = "None",
                },
            ],
        }, cancellationToken: Ct);

        var stored = sandbox.Api.Get<V1MutatingWebhookConfiguration>(null, "minimal")!.Webhooks.Single();

        (stored.FailurePolicy, stored.TimeoutSeconds, stored.ReinvocationPolicy, stored.MatchPolicy).Should().Be(("Fail", 10, "Never", "Equivalent"));
        stored.NamespaceSelector.Should().NotBeNull();
        stored.ObjectSelector.Should().NotBeNull();
        stored.Rules.Single().Scope.Should().Be("*");
    }

    [Fact]
    public async Task A_configuration_whose_match_condition_does_not_compile_is_refused_with_cel_go_s_message()
    {
        await using var webhook = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var hook = Validating(webhook);
        hook.MatchConditions =
        [
            new V1MatchCondition { Name = "limit", Expression = "params.maxReplicas > 1" },
            new V1MatchCondition { Name = "limit", Expression = "object.spec.containers.all(c, c.image != '')" },
        ];

        var register = () => RegisterValidatingAsync(sandbox, hook);

        var refused = (await register.Should().ThrowAsync<ApiException>()).Which;
        refused.Code.Should().Be(422);
        refused.Status.Details.Causes.Select(c => $"{c.Field}: {c.Message}").Should().Equal(
            "webhooks[0].matchConditions[0].expression: Invalid value: \"params.maxReplicas > 1\": compilation failed: " +
            "ERROR: <input>:1:1: undeclared reference to 'params' (in container '')\n | params.maxReplicas > 1\n | ^",
            "webhooks[0].matchConditions[1].name: Duplicate value: \"limit\"");
        sandbox.Api.List(ResourceTypes.ValidatingWebhookConfigurations, null).Items.Should().BeEmpty();
    }

    [Fact]
    public async Task Service_references_connect_to_the_mapped_address_and_verify_the_service_name()
    {
        await using var webhook = await TestWebhook.StartAsync("admissionguard-webhook.admissionguard-system.svc");
        webhook.Respond = request => TestWebhook.Allow(request, null, "called through the service");
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            ServiceEndpoints = { ["admissionguard-system/admissionguard-webhook"] = $"127.0.0.1:{webhook.Url.Port}" },
        }, Ct);
        var hook = Validating(webhook);
        hook.ClientConfig = new Admissionregistrationv1WebhookClientConfig
        {
            CaBundle = webhook.CaBundle,
            Service = new Admissionregistrationv1ServiceReference { NamespaceProperty = "admissionguard-system", Name = "admissionguard-webhook", Path = "/validate-pods", Port = 443 },
        };
        await RegisterValidatingAsync(sandbox, hook);
        var context = new RequestContext();

        await sandbox.Api.CreateAsync(Pod("web"), context, Ct);

        context.Warnings.Should().Equal("called through the service");
    }

    [Fact]
    public async Task Service_endpoints_can_be_mapped_after_the_server_started()
    {
        await using var webhook = await TestWebhook.StartAsync("late.default.svc");
        webhook.Respond = request => TestWebhook.Allow(request, null, "mapped late");
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var hook = Validating(webhook, failurePolicy: "Ignore");
        hook.ClientConfig = new Admissionregistrationv1WebhookClientConfig
        {
            CaBundle = webhook.CaBundle,
            Service = new Admissionregistrationv1ServiceReference { NamespaceProperty = "default", Name = "late", Path = "/validate", Port = 443 },
        };
        await RegisterValidatingAsync(sandbox, hook);
        var unmapped = new RequestContext();
        await sandbox.Api.CreateAsync(Pod("before"), unmapped, Ct);

        sandbox.ServiceEndpoints["default/late"] = $"127.0.0.1:{webhook.Url.Port}";
        var mapped = new RequestContext();
        await sandbox.Api.CreateAsync(Pod("after"), mapped, Ct);

        unmapped.Warnings.Should().BeEmpty();
        mapped.Warnings.Should().Equal("mapped late");
        webhook.Requests.Select(r => (string?)r["name"]).Should().Equal("after");
    }

    private static V1Pod Mirror()
    {
        var mirror = Pod("mirror");
        mirror.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/config.mirror"] = "abc" };
        return mirror;
    }

    private static IList<V1MatchCondition> PodConditions(string bindingFirst) =>
    [
        new V1MatchCondition { Name = "needs-pod-network", Expression = bindingFirst + " || !has(object.spec.hostNetwork) || !object.spec.hostNetwork" },
        new V1MatchCondition { Name = "not-a-mirror-pod", Expression = bindingFirst + " || !has(object.metadata.annotations) || !('kubernetes.io/config.mirror' in object.metadata.annotations)" },
    ];

    private const string Unguarded = "request.subResource == 'binding'";
    private const string Guarded = "(has(request.subResource) && request.subResource == 'binding')";

    [Fact]
    public async Task An_absent_subResource_read_without_has_refuses_hostNetwork_and_mirror_pods_with_403_under_Fail()
    {
        await using var webhook = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var hook = Validating(webhook, "Fail", null, "pods", "pods/binding");
        hook.MatchConditions = PodConditions(Unguarded);
        await RegisterValidatingAsync(sandbox, hook);

        await sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);
        var host = () => sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("host", hostNetwork: true), "default", cancellationToken: Ct);
        var mirror = () => sandbox.Client.CoreV1.CreateNamespacedPodAsync(Mirror(), "default", cancellationToken: Ct);

        foreach (var create in new[] { host, mirror })
        {
            var refusal = await create.Should().ThrowAsync<HttpOperationException>();
            refusal.Which.Response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            refusal.Which.Response.Content.Should().Contain("is forbidden: failed to evaluate match condition").And.Contain("no such key: subResource");
        }

        webhook.Requests.Select(r => (string?)r["name"]).Should().Equal("web");
        (await ScrapedMetrics.ScrapeAsync(sandbox.AdmissionMetrics)).Sum(MatchConditionErrors, ("name", "check.test.io"), ("kind", "webhook"), ("type", "validating"), ("operation", "CREATE"))
            .Should().Be(2, "kube-apiserver counts every condition that fails to evaluate, whatever the failure policy");
    }

    [Fact]
    public async Task An_absent_subResource_read_without_has_skips_the_webhook_and_is_counted_under_Ignore()
    {
        await using var webhook = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var hook = Validating(webhook, "Ignore", null, "pods", "pods/binding");
        hook.MatchConditions = PodConditions(Unguarded);
        await RegisterValidatingAsync(sandbox, hook);

        await sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);
        await sandbox.Api.CreateAsync(Pod("host", hostNetwork: true), cancellationToken: Ct);
        await sandbox.Api.CreateAsync(Mirror(), cancellationToken: Ct);

        webhook.Requests.Select(r => (string?)r["name"]).Should().Equal("web");
        var metrics = await ScrapedMetrics.ScrapeAsync(sandbox.AdmissionMetrics);
        metrics.Sum(MatchConditionErrors, ("name", "check.test.io"), ("kind", "webhook"), ("type", "validating"), ("operation", "CREATE")).Should().Be(2);
        metrics.Sum("apiserver_admission_webhook_fail_open_count").Should().Be(0, "a webhook its conditions skip is not called, so it does not fail open");
    }

    [Fact]
    public async Task Conditions_that_guard_the_subResource_with_has_skip_hostNetwork_and_mirror_pods_without_error_and_send_bindings()
    {
        await using var webhook = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await sandbox.Api.CreateAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "node-a" } }, cancellationToken: Ct);
        var hook = Validating(webhook, "Fail", null, "pods", "pods/binding");
        hook.MatchConditions = PodConditions(Guarded);
        await RegisterValidatingAsync(sandbox, hook);

        await sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);
        await sandbox.Api.CreateAsync(Pod("host", hostNetwork: true), cancellationToken: Ct);
        await sandbox.Api.CreateAsync(Mirror(), cancellationToken: Ct);
        await sandbox.Client.CoreV1.CreateNamespacedPodBindingAsync(
            new V1Binding { Metadata = new V1ObjectMeta { Name = "web" }, Target = new V1ObjectReference { Kind = "Node", Name = "node-a" } },
            "web", "default", cancellationToken: Ct);

        webhook.Requests.Select(r => $"{(string?)r["name"]}/{(string?)r["subResource"]}").Should().Equal("web/", "web/binding");
        (await ScrapedMetrics.ScrapeAsync(sandbox.AdmissionMetrics)).Sum(MatchConditionErrors).Should().Be(0);
    }

    private static V1MutatingWebhook Mutating(TestWebhook webhook, string name, string? reinvocationPolicy) => new()
    {
        Name = name,
        ClientConfig = webhook.ClientConfig("/mutate"),
        Rules = [Rule("pods")],
        SideEffects = "None",
        AdmissionReviewVersions = ["v1"],
        ReinvocationPolicy = reinvocationPolicy,
    };

    /// <summary>Gates pods that tolerate everything, once: a gated pod gets no patch (idempotent).</summary>
    private static JsonObject GateTolerating(JsonObject request) =>
        TolerantOfAll(request) && request["object"]!["spec"]!["schedulingGates"] is null
            ? TestWebhook.Allow(request, """[{"op":"add","path":"/spec/schedulingGates","value":[{"name":"example.io/gate"}]}]""")
            : TestWebhook.Allow(request);

    /// <summary>Like a policy engine: adds a blanket toleration to pods without tolerations.</summary>
    private static JsonObject AddToleration(JsonObject request) =>
        TolerantOfAll(request)
            ? TestWebhook.Allow(request)
            : request["object"]!["spec"]!["tolerations"] is JsonArray
                ? TestWebhook.Allow(request, """[{"op":"add","path":"/spec/tolerations/-","value":{"operator":"Exists"}}]""")
                : TestWebhook.Allow(request, """[{"op":"add","path":"/spec/tolerations","value":[{"operator":"Exists"}]}]""");

    private static bool TolerantOfAll(JsonObject request) =>
        request["object"]!["spec"]!["tolerations"] is JsonArray tolerations
        && tolerations.Any(t => (string?)t!["operator"] == "Exists" && t["key"] is null);

    [Theory]
    [InlineData("IfNeeded", 2, true)]
    [InlineData("Never", 1, false)]
    public async Task A_webhook_with_IfNeeded_is_called_again_when_a_later_configuration_changed_the_object(string policy, int gateCalls, bool gated)
    {
        await using var gate = await TestWebhook.StartAsync();
        await using var tolerate = await TestWebhook.StartAsync();
        gate.Respond = GateTolerating;
        tolerate.Respond = AddToleration;
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        // Configurations run in name order: "a-gate" before "b-tolerate".
        await sandbox.Api.CreateAsync(new V1MutatingWebhookConfiguration { Metadata = new V1ObjectMeta { Name = "b-tolerate" }, Webhooks = [Mutating(tolerate, "tolerate.test.io", null)] }, cancellationToken: Ct);
        await sandbox.Api.CreateAsync(new V1MutatingWebhookConfiguration { Metadata = new V1ObjectMeta { Name = "a-gate" }, Webhooks = [Mutating(gate, "gate.test.io", policy)] }, cancellationToken: Ct);

        var created = await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: Ct);

        created.Spec.Tolerations.Should().ContainSingle(t => t.OperatorProperty == "Exists" && t.Key == null);
        gate.Requests.Should().HaveCount(gateCalls);
        tolerate.Requests.Should().ContainSingle("a webhook is not reinvoked for its own change, nor without IfNeeded");
        (created.Spec.SchedulingGates?.Count ?? 0).Should().Be(gated ? 1 : 0);
    }

    [Fact]
    public async Task A_webhook_with_IfNeeded_is_not_called_again_when_no_later_webhook_changed_the_object()
    {
        await using var gate = await TestWebhook.StartAsync();
        await using var tolerate = await TestWebhook.StartAsync();
        gate.Respond = GateTolerating;
        tolerate.Respond = AddToleration;
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await sandbox.Api.CreateAsync(new V1MutatingWebhookConfiguration { Metadata = new V1ObjectMeta { Name = "b-tolerate" }, Webhooks = [Mutating(tolerate, "tolerate.test.io", null)] }, cancellationToken: Ct);
        await sandbox.Api.CreateAsync(new V1MutatingWebhookConfiguration { Metadata = new V1ObjectMeta { Name = "a-gate" }, Webhooks = [Mutating(gate, "gate.test.io", "IfNeeded")] }, cancellationToken: Ct);
        var tolerating = Pod("web");
        tolerating.Spec.Tolerations = [new V1Toleration { OperatorProperty = "Exists" }];

        var created = await sandbox.Client.CoreV1.CreateNamespacedPodAsync(tolerating, "default", cancellationToken: Ct);

        created.Spec.SchedulingGates.Should().ContainSingle();
        gate.Requests.Should().ContainSingle();
        tolerate.Requests.Should().ContainSingle();
    }
}
