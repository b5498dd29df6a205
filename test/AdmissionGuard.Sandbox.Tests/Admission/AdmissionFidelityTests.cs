using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Tests.Support;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Admission;

/// <summary>Admission in kube-apiserver's order: mutate, then name and validate; warnings as its recorder keeps them.</summary>
public sealed class AdmissionFidelityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static V1RuleWithOperations Rule(params string[] resources) =>
        new() { Operations = ["CREATE"], ApiGroups = [""], ApiVersions = ["v1"], Resources = resources };

    private static V1Pod Pod(string? name = null, string? generateName = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, GenerateName = generateName, NamespaceProperty = "default" },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }] },
    };

    private static async Task RegisterAsync(SandboxServer sandbox, TestWebhook? mutating, TestWebhook? validating, params string[] resources)
    {
        var rules = new[] { Rule(resources.Length == 0 ? ["pods"] : resources) };
        if (mutating is not null)
        {
            await sandbox.Api.CreateAsync(new V1MutatingWebhookConfiguration
            {
                Metadata = new V1ObjectMeta { Name = "mutate" },
                Webhooks = [new V1MutatingWebhook { Name = "mutate.test.io", ClientConfig = mutating.ClientConfig("/mutate"), Rules = rules, SideEffects = "None", AdmissionReviewVersions = ["v1"] }],
            }, cancellationToken: Ct);
        }

        if (validating is not null)
        {
            await sandbox.Api.CreateAsync(new V1ValidatingWebhookConfiguration
            {
                Metadata = new V1ObjectMeta { Name = "validate" },
                Webhooks = [new V1ValidatingWebhook { Name = "validate.test.io", ClientConfig = validating.ClientConfig("/validate"), Rules = rules, SideEffects = "None", AdmissionReviewVersions = ["v1"] }],
            }, cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task Mutating_webhooks_see_a_generate_name_pod_before_it_is_named_and_validating_webhooks_after()
    {
        await using var mutating = await TestWebhook.StartAsync();
        await using var validating = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterAsync(sandbox, mutating, validating);

        var created = await sandbox.Api.CreateAsync(Pod(generateName: "web-"), cancellationToken: Ct);

        var mutated = mutating.Requests.Should().ContainSingle().Subject;
        mutated.AsObject().Should().NotContainKey("name", "Go's omitempty leaves the empty name out");
        var unnamed = mutated["object"]!["metadata"]!.AsObject();
        unnamed.Should().NotContainKey("name").And.NotContainKey("uid").And.NotContainKey("creationTimestamp");
        ((string?)unnamed["generateName"]).Should().Be("web-");

        var validated = validating.Requests.Should().ContainSingle().Subject;
        validated.AsObject().Should().NotContainKey("name", "request.name is the name the client sent");
        var named = validated["object"]!["metadata"]!;
        ((string?)named["name"]).Should().Be(created.Metadata.Name).And.StartWith("web-");
        ((string?)named["uid"]).Should().Be(created.Metadata.Uid);
        ((string?)named["creationTimestamp"]).Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_named_pod_carries_its_name_in_both_reviews()
    {
        await using var mutating = await TestWebhook.StartAsync();
        await using var validating = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterAsync(sandbox, mutating, validating);

        await sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);

        ((string?)mutating.Requests.Single()["name"]).Should().Be("web");
        ((string?)validating.Requests.Single()["name"]).Should().Be("web");
        mutating.Requests.Single()["object"]!["metadata"]!.AsObject().Should().NotContainKey("uid");
    }

    [Fact]
    public async Task The_warnings_of_a_denying_webhook_reach_the_client_with_the_others_once()
    {
        await using var mutating = await TestWebhook.StartAsync();
        await using var validating = await TestWebhook.StartAsync();
        mutating.Respond = request => TestWebhook.Allow(request, null, "shared text", "from the mutator");
        validating.Respond = request =>
        {
            var denial = TestWebhook.Deny(request, 403, "no");
            denial["warnings"] = new JsonArray("shared text", "why it was denied", "line\nbreak");
            return denial;
        };
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterAsync(sandbox, mutating, validating);
        var context = new RequestContext();

        var create = () => sandbox.Api.CreateAsync(Pod("web"), context, Ct);

        (await create.Should().ThrowAsync<ApiException>()).Which.Code.Should().Be(403);
        context.Warnings.Should().Equal("shared text", "from the mutator", "why it was denied");
    }

    [Fact]
    public async Task A_denying_mutating_webhook_also_hands_its_warnings_to_the_client_over_http()
    {
        await using var mutating = await TestWebhook.StartAsync();
        mutating.Respond = request =>
        {
            var denial = TestWebhook.Deny(request, 403, "no");
            denial["warnings"] = new JsonArray("denied with a reason");
            return denial;
        };
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterAsync(sandbox, mutating, null);
        var create = () => sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: Ct);

        var failure = (await create.Should().ThrowAsync<k8s.Autorest.HttpOperationException>()).Which;
        failure.Response.StatusCode.Should().Be(System.Net.HttpStatusCode.Forbidden);
        failure.Response.Headers["Warning"].Should().Equal("299 - \"denied with a reason\"");
    }

    [Fact]
    public async Task The_legacy_bindings_endpoint_binds_and_is_admitted_as_bindings_not_pods_binding()
    {
        await using var podsBinding = await TestWebhook.StartAsync();
        await using var bindings = await TestWebhook.StartAsync();
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await RegisterAsync(sandbox, podsBinding, null, "pods/binding");
        await RegisterAsync(sandbox, null, bindings, "bindings");
        await sandbox.Api.CreateAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "node-1" } }, cancellationToken: Ct);
        await sandbox.Api.CreateAsync(Pod("web"), cancellationToken: Ct);

        await sandbox.Client.CoreV1.CreateNamespacedBindingAsync(
            new V1Binding { Metadata = new V1ObjectMeta { Name = "web" }, Target = new V1ObjectReference { Kind = "Node", Name = "node-1" } }, "default", cancellationToken: Ct);

        sandbox.Api.Get<V1Pod>("default", "web")!.Spec.NodeName.Should().Be("node-1");
        podsBinding.Requests.Should().BeEmpty("a pods/binding rule does not match the legacy endpoint");
        var review = bindings.Requests.Should().ContainSingle().Subject;
        review["resource"]!.ToJsonString().Should().Be("""{"group":"","version":"v1","resource":"bindings"}""");
        review.Should().NotContainKey("subResource");
        ((string?)review["kind"]!["kind"]).Should().Be("Binding");
        var discovery = await sandbox.Client.CoreV1.GetAPIResourcesAsync(cancellationToken: Ct);
        discovery.Resources.Should().ContainSingle(r => r.Name == "bindings").Which.Verbs.Should().Equal("create");
    }
}
