using System.Text.Json.Nodes;
using AdmissionGuard.Core;
using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Tests.Support;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Playground;

/// <summary>
/// The shipped webhook configurations as kube-apiserver applies them: matchConditions over the omitempty request,
/// and reinvocation after later mutating webhooks.
/// </summary>
public sealed class ShippedWebhookConfigurationTests
{
    private const string Node = "node-1";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Ignore")]
    [InlineData("Fail")]
    public async Task HostNetwork_and_mirror_pods_skip_the_check_without_a_match_condition_error(string failurePolicy)
    {
        await using var playground = await GuardOnSandbox.StartAsync(cancellationToken: Token);
        var check = await playground.Client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync("admissionguard", cancellationToken: Token);
        check.Webhooks.Single().FailurePolicy = failurePolicy;
        await playground.Client.AdmissionregistrationV1.ReplaceValidatingWebhookConfigurationAsync(check, check.Metadata.Name, cancellationToken: Token);
        var hostNetwork = Pod("host-agent");
        hostNetwork.Spec.HostNetwork = true;
        var mirror = Pod("kube-proxy");
        mirror.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/config.mirror"] = "0a1b2c" };

        await playground.Client.CoreV1.CreateNamespacedPodAsync(hostNetwork, "default", cancellationToken: Token);
        await playground.Client.CoreV1.CreateNamespacedPodAsync(mirror, "default", cancellationToken: Token);

        (await ScrapedMetrics.ScrapeAsync(playground.Sandbox.AdmissionMetrics)).Sum("apiserver_admission_match_condition_evaluation_errors_total").Should().Be(0,
            "every optional request field is read behind has()");
    }

    [Fact]
    public async Task A_toleration_added_by_a_later_mutating_webhook_is_seen_by_the_gate_on_reinvocation()
    {
        await using var policy = await TestWebhook.StartAsync();
        policy.Respond = AddBlanketToleration;
        await using var playground = await GuardOnSandbox.StartAsync(cancellationToken: Token);
        await playground.Cluster.AddNodeAsync(Node, cancellationToken: Token);
        await playground.WaitUntilCachedAsync(snapshot => snapshot.GetNode(Node) is not null, $"node {Node}", cancellationToken: Token);
        // Named after "admissionguard", so it runs after the guard's webhook, as a policy engine's often does.
        await playground.Api.CreateAsync(
            new V1MutatingWebhookConfiguration
            {
                Metadata = new V1ObjectMeta { Name = "zz-policy" },
                Webhooks =
                [
                    new V1MutatingWebhook
                    {
                        Name = "tolerate.policy.example.io",
                        ClientConfig = policy.ClientConfig("/mutate"),
                        Rules = [new V1RuleWithOperations { Operations = ["CREATE"], ApiGroups = [""], ApiVersions = ["v1"], Resources = ["pods"] }],
                        SideEffects = "None",
                        AdmissionReviewVersions = ["v1"],
                        FailurePolicy = "Fail",
                    },
                ],
            },
            cancellationToken: Token);
        var pod = Pod("csi");
        pod.Spec.Affinity = PinnedTo(Node);

        var created = await playground.Client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: Token);

        created.Spec.Tolerations.Should().Contain(t => t.OperatorProperty == "Exists" && t.Key == null);
        created.Spec.SchedulingGates.Should().ContainSingle().Which.Name.Should().Be(WellKnown.SchedulingGate);
        policy.Requests.Should().ContainSingle("the policy webhook is not reinvocable");
    }

    private static V1Pod Pod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "registry.k8s.io/pause:3.10" }] },
    };

    private static V1Affinity PinnedTo(string node) => new()
    {
        NodeAffinity = new V1NodeAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
            {
                NodeSelectorTerms = [new V1NodeSelectorTerm { MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [node] }] }],
            },
        },
    };

    /// <summary>Like a Kyverno mutate policy: pods without a blanket toleration get one.</summary>
    private static JsonObject AddBlanketToleration(JsonObject request)
    {
        var tolerations = request["object"]!["spec"]!["tolerations"] as JsonArray;
        if (tolerations?.Any(t => (string?)t!["operator"] == "Exists" && t["key"] is null) == true)
        {
            return TestWebhook.Allow(request);
        }

        return tolerations is null
            ? TestWebhook.Allow(request, """[{"op":"add","path":"/spec/tolerations","value":[{"operator":"Exists"}]}]""")
            : TestWebhook.Allow(request, """[{"op":"add","path":"/spec/tolerations/-","value":{"operator":"Exists"}}]""");
    }
}
