using System.Net;
using System.Text.Json.Nodes;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Reconciler;
using k8s;
using static AdmissionGuard.Core.Tests.Healing.HealingFixtures;

namespace AdmissionGuard.Tests.Reconciler;

public sealed class KubernetesPodActionsTests
{
    private const string PdbStatus = """
        {"kind":"Status","apiVersion":"v1","status":"Failure","message":"Cannot evict pod as it would violate the pod's disruption budget.","reason":"TooManyRequests","code":429}
        """;

    private static (KubernetesPodActions Actions, StubApiHandler Api) Client(HttpStatusCode status, string body = "{}")
    {
        var api = new StubApiHandler(status, body);
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://api.invalid" }, api);
        return (new KubernetesPodActions(client), api);
    }

    public static TheoryData<HttpStatusCode, string> EvictionAnswers => new()
    {
        { HttpStatusCode.Created, nameof(RestartResult.Evicted) },
        { HttpStatusCode.TooManyRequests, nameof(RestartResult.BlockedByDisruptionBudget) },
        { HttpStatusCode.NotFound, nameof(RestartResult.AlreadyGone) },
        { HttpStatusCode.Conflict, nameof(RestartResult.AlreadyGone) },
        { HttpStatusCode.Forbidden, nameof(RestartResult.Failed) },
        { HttpStatusCode.InternalServerError, nameof(RestartResult.Failed) },
    };

    [Theory]
    [MemberData(nameof(EvictionAnswers))]
    public async Task Maps_the_eviction_answer(HttpStatusCode status, string expected)
    {
        var (actions, _) = Client(status);

        var attempt = await actions.RestartAsync(RunningPod("a"), RestartMethod.Evict, TestContext.Current.CancellationToken);

        attempt.Result.Should().Be(Enum.Parse<RestartResult>(expected));
    }

    [Fact]
    public async Task Evicts_through_the_eviction_subresource_with_a_uid_precondition()
    {
        var (actions, api) = Client(HttpStatusCode.Created);

        await actions.RestartAsync(RunningPod("a"), RestartMethod.Evict, TestContext.Current.CancellationToken);

        var request = api.Requests.Single();
        request.Method.Should().Be(HttpMethod.Post);
        request.Path.Should().Be("/api/v1/namespaces/default/pods/a/eviction");
        var body = JsonNode.Parse(request.Body)!;
        body["kind"]!.GetValue<string>().Should().Be("Eviction");
        body["apiVersion"]!.GetValue<string>().Should().Be("policy/v1");
        body["deleteOptions"]!["preconditions"]!["uid"]!.GetValue<string>().Should().Be("uid-default-a");
    }

    [Fact]
    public async Task A_disruption_budget_block_carries_the_api_servers_message()
    {
        var (actions, _) = Client(HttpStatusCode.TooManyRequests, PdbStatus);

        var attempt = await actions.RestartAsync(RunningPod("a"), RestartMethod.Evict, TestContext.Current.CancellationToken);

        attempt.Should().Be(new RestartAttempt(RestartResult.BlockedByDisruptionBudget, "Cannot evict pod as it would violate the pod's disruption budget."));
    }

    [Fact]
    public async Task A_body_that_is_not_a_status_still_gives_a_message()
    {
        var (actions, _) = Client(HttpStatusCode.BadGateway, "<html>bad gateway</html>");

        var attempt = await actions.RestartAsync(RunningPod("a"), RestartMethod.Evict, TestContext.Current.CancellationToken);

        attempt.Should().Be(new RestartAttempt(RestartResult.Failed, "502 Bad Gateway"));
    }

    [Fact]
    public async Task Delete_method_deletes_with_a_uid_precondition()
    {
        var (actions, api) = Client(HttpStatusCode.OK, """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a"}}""");

        var attempt = await actions.RestartAsync(RunningPod("a"), RestartMethod.Delete, TestContext.Current.CancellationToken);

        attempt.Result.Should().Be(RestartResult.Deleted);
        var request = api.Requests.Single();
        request.Method.Should().Be(HttpMethod.Delete);
        request.Path.Should().Be("/api/v1/namespaces/default/pods/a");
        JsonNode.Parse(request.Body)!["preconditions"]!["uid"]!.GetValue<string>().Should().Be("uid-default-a");
    }

    public static TheoryData<HttpStatusCode, string> PatchAnswers => new()
    {
        { HttpStatusCode.OK, nameof(GateReleaseResult.Released) },
        { HttpStatusCode.UnprocessableEntity, nameof(GateReleaseResult.Changed) },
        { HttpStatusCode.Conflict, nameof(GateReleaseResult.Changed) },
        { HttpStatusCode.NotFound, nameof(GateReleaseResult.AlreadyGone) },
        { HttpStatusCode.InternalServerError, nameof(GateReleaseResult.Failed) },
    };

    [Theory]
    [MemberData(nameof(PatchAnswers))]
    public async Task Maps_the_gate_patch_answer(HttpStatusCode status, string expected)
    {
        var (actions, _) = Client(status, """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"g"}}""");

        var attempt = await actions.ReleaseGateAsync(GatedPod("g"), TestContext.Current.CancellationToken);

        attempt.Result.Should().Be(Enum.Parse<GateReleaseResult>(expected));
    }

    [Fact]
    public async Task Releases_the_gate_with_a_json_patch()
    {
        var (actions, api) = Client(HttpStatusCode.OK, """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"g"}}""");

        await actions.ReleaseGateAsync(GatedPod("g"), TestContext.Current.CancellationToken);

        var request = api.Requests.Single();
        request.Method.Should().Be(HttpMethod.Patch);
        request.Path.Should().Be("/api/v1/namespaces/default/pods/g");
        request.ContentType.Should().Be("application/json-patch+json");
        request.Body.Should().Be(GateReleasePatch.For(GatedPod("g")));
    }
}
