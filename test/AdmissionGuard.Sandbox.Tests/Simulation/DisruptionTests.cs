using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

public sealed class DisruptionTests
{
    public static TheoryData<string?, string?, int, int> Budgets => new()
    {
        { "3", null, 3, 0 },
        { "2", null, 2, 1 },
        { "50%", null, 2, 1 },
        { null, "1", 2, 1 },
        { null, "34%", 1, 2 },
    };

    [Theory]
    [MemberData(nameof(Budgets))]
    public async Task Budget_status_follows_min_available_and_max_unavailable(string? minAvailable, string? maxUnavailable, int desiredHealthy, int allowed)
    {
        await using var cluster = await ReadyDeploymentAsync(3);

        await cluster.Api.CreateAsync(Budget(minAvailable, maxUnavailable), cancellationToken: TestCluster.Token);

        var status = await cluster.Until(() => cluster.Api.Get<V1PodDisruptionBudget>("default", "web")!.Status is { Conditions.Count: > 0 } observed ? observed : null, "the disruption controller wrote the status");
        status.Should().BeEquivalentTo(new { CurrentHealthy = 3, DesiredHealthy = desiredHealthy, ExpectedPods = 3, DisruptionsAllowed = allowed });
        status.Conditions.Should().ContainSingle(c => c.Type == "DisruptionAllowed" && c.Status == (allowed > 0 ? "True" : "False"));
    }

    [Fact]
    public async Task Eviction_answers_429_while_the_budget_allows_no_disruption_then_succeeds()
    {
        await using var cluster = await ReadyDeploymentAsync(2);
        await cluster.Api.CreateAsync(Budget("2", null), cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Api.Get<V1PodDisruptionBudget>("default", "web")!.Status is { ExpectedPods: 2, DisruptionsAllowed: 0 }, "no disruption allowed");
        var victim = cluster.Pods("default", "app=web")[0];

        var evict = () => cluster.Api.EvictAsync("default", victim.Metadata.Name, (RequestContext?)null, TestCluster.Token);

        (await evict.Should().ThrowAsync<ApiException>()).Which.Code.Should().Be(429);
        await cluster.Api.PatchAsync<V1PodDisruptionBudget>("default", "web", PatchType.Merge, """{"spec":{"minAvailable":1}}""", cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Api.Get<V1PodDisruptionBudget>("default", "web")!.Status?.DisruptionsAllowed == 1, "one disruption allowed");
        await evict.Should().NotThrowAsync();
        cluster.Pod(victim.Metadata.Name).Should().BeNull();
    }

    private static async Task<TestCluster> ReadyDeploymentAsync(int replicas)
    {
        var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Deployment("web", replicas), cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Pods("default", "app=web") is { } p && p.Count == replicas && p.All(TestCluster.IsReady), "the pods are Ready", letTimeFlow: true);
        return cluster;
    }

    private static V1PodDisruptionBudget Budget(string? minAvailable, string? maxUnavailable) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
        Spec = new V1PodDisruptionBudgetSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            MinAvailable = minAvailable is null ? null : Parse(minAvailable),
            MaxUnavailable = maxUnavailable is null ? null : Parse(maxUnavailable),
        },
    };

    private static IntOrString Parse(string value) => value.EndsWith('%') ? value : int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
