using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Tests.Store;

/// <summary>apps/v1 workloads validated as kube-apiserver 1.32 validates them, with its messages.</summary>
public sealed class WorkloadValidationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Workload(string kind, string spec) =>
        JsonNode.Parse($$"""{"apiVersion":"apps/v1","kind":"{{kind}}","metadata":{"name":"web","namespace":"default"},"spec":{{spec}}}""")!.AsObject();

    private const string Template = """{"metadata":{"labels":{"app":"web","tier":"front"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}""";

    public static TheoryData<string, string, string[]> Invalid => new()
    {
        {
            "Deployment", """{"selector":{"matchLabels":{"app":"wbe"}},"template":""" + Template + "}",
            ["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"front\"}: `selector` does not match template `labels`"]
        },
        {
            "DaemonSet", """{"template":""" + Template + "}",
            ["spec.selector: Required value", "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"front\"}: `selector` does not match template `labels`"]
        },
        {
            "StatefulSet", """{"selector":{},"template":""" + Template + "}",
            ["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset"]
        },
        {
            "ReplicaSet", """{"replicas":-2,"selector":{"matchLabels":{"app":"web"}},"template":""" + Template + "}",
            ["spec.replicas: Invalid value: -2: must be greater than or equal to 0"]
        },
        {
            "Deployment", """{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"restartPolicy":"OnFailure","containers":[]}}}""",
            ["spec.template.spec.containers: Required value", "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""]
        },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task An_invalid_workload_is_refused_naming_each_field(string kind, string spec, string[] causes)
    {
        var api = ClusterApi.CreateInMemory();
        var type = ResourceTypes.All.Single(t => t.Kind == kind);

        var create = () => api.CreateAsync(type, "default", Workload(kind, spec), cancellationToken: Ct);

        var refused = (await create.Should().ThrowAsync<ApiException>()).Which;
        refused.Code.Should().Be(422);
        refused.Status.Details.Causes.Select(c => $"{c.Field}: {c.Message}").Should().Equal(causes);
        api.List(type, "default").Items.Should().BeEmpty();
    }

    [Fact]
    public async Task A_selector_that_matches_by_expression_is_valid_and_may_not_change()
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(ResourceTypes.Deployments, "default",
            Workload("Deployment", """{"selector":{"matchExpressions":[{"key":"tier","operator":"In","values":["front","edge"]}]},"template":""" + Template + "}"), cancellationToken: Ct);

        var scaled = await api.PatchAsync(ResourceTypes.Deployments, "default", "web", PatchType.Merge, """{"spec":{"replicas":3}}""", cancellationToken: Ct);
        var reselect = () => api.PatchAsync(ResourceTypes.Deployments, "default", "web", PatchType.Merge,
            """{"spec":{"selector":{"matchExpressions":[{"key":"tier","operator":"In","values":["front"]}]}}}""", cancellationToken: Ct);

        ((int?)scaled.ToJsonObject()["spec"]!["replicas"]).Should().Be(3);
        var refused = (await reselect.Should().ThrowAsync<ApiException>()).Which;
        refused.Code.Should().Be(422);
        refused.Status.Details.Causes.Should().ContainSingle().Which.Message.Should().Be(
            "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"tier\", Operator:\"In\", Values:[]string{\"front\"}}}}: field is immutable");
    }
}
