using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Tests.Simulation;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Sandbox.Tests.Store;

/// <summary>
/// The Eviction API and graceful pod deletion as <c>pkg/registry/core/pod/storage/eviction.go</c> and the pod
/// strategy behave, on the API alone: the test writes the budget's status itself, as the disruption controller would.
/// </summary>
public sealed class EvictionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>One row: the pod's readiness, the budget (status and policy), and what the eviction answers.</summary>
    public sealed record EvictionCase(
        string Name,
        bool PodReady,
        int Allowed,
        int CurrentHealthy,
        int DesiredHealthy,
        string? UnhealthyPolicy = null,
        bool ObservedGenerationLags = false,
        bool SecondBudget = false,
        bool WrongUid = false,
        int? ExpectedCode = null,
        int AllowedAfter = 0)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<EvictionCase> Cases => new()
    {
        new EvictionCase("ready pod, one disruption allowed: evicted, budget consumed", PodReady: true, Allowed: 1, CurrentHealthy: 3, DesiredHealthy: 2, AllowedAfter: 0),
        new EvictionCase("ready pod, no disruption allowed: 429", PodReady: true, Allowed: 0, CurrentHealthy: 2, DesiredHealthy: 2, ExpectedCode: 429),
        new EvictionCase("unready pod, healthy >= desired: evicted without consuming", PodReady: false, Allowed: 1, CurrentHealthy: 2, DesiredHealthy: 2, AllowedAfter: 1),
        new EvictionCase("unready pod, healthy >= desired but nothing allowed: still evicted", PodReady: false, Allowed: 0, CurrentHealthy: 2, DesiredHealthy: 2, AllowedAfter: 0),
        new EvictionCase("unready pod, healthy < desired: 429", PodReady: false, Allowed: 0, CurrentHealthy: 1, DesiredHealthy: 2, ExpectedCode: 429),
        new EvictionCase("unready pod, desired 0 is not a free pass: budget consumed", PodReady: false, Allowed: 1, CurrentHealthy: 1, DesiredHealthy: 0, AllowedAfter: 0),
        new EvictionCase("unready pod, AlwaysAllow: evicted although nothing is allowed", PodReady: false, Allowed: 0, CurrentHealthy: 1, DesiredHealthy: 2, UnhealthyPolicy: "AlwaysAllow", AllowedAfter: 0),
        new EvictionCase("ready pod, AlwaysAllow does not help: 429", PodReady: true, Allowed: 0, CurrentHealthy: 2, DesiredHealthy: 2, UnhealthyPolicy: "AlwaysAllow", ExpectedCode: 429),
        new EvictionCase("budget status behind its generation: 429", PodReady: true, Allowed: 1, CurrentHealthy: 3, DesiredHealthy: 2, ObservedGenerationLags: true, ExpectedCode: 429, AllowedAfter: 1),
        new EvictionCase("two budgets select the pod: 500", PodReady: true, Allowed: 1, CurrentHealthy: 3, DesiredHealthy: 2, SecondBudget: true, ExpectedCode: 500, AllowedAfter: 1),
        new EvictionCase("UID precondition of another pod: 409", PodReady: true, Allowed: 1, CurrentHealthy: 3, DesiredHealthy: 2, WrongUid: true, ExpectedCode: 409, AllowedAfter: 1),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Eviction_follows_the_budget_the_pods_readiness_and_the_preconditions(EvictionCase row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var api = ClusterApi.CreateInMemory(time: clock);
        var pod = await RunningPodAsync(api, "web-0", row.PodReady);
        await BudgetAsync(api, "web", row.Allowed, row.CurrentHealthy, row.DesiredHealthy, row.UnhealthyPolicy, row.ObservedGenerationLags);
        if (row.SecondBudget)
        {
            await BudgetAsync(api, "web-too", row.Allowed, row.CurrentHealthy, row.DesiredHealthy, null, lags: false);
        }

        var eviction = new JsonObject
        {
            ["deleteOptions"] = new JsonObject { ["preconditions"] = new JsonObject { ["uid"] = row.WrongUid ? Guid.NewGuid().ToString() : pod.Metadata.Uid } },
        };
        var evict = () => api.EvictAsync("default", "web-0", eviction, null, Token);

        if (row.ExpectedCode is { } code)
        {
            (await evict.Should().ThrowAsync<ApiException>()).Which.Code.Should().Be(code);
            api.Get<V1Pod>("default", "web-0")!.Metadata.DeletionTimestamp.Should().BeNull("a refused eviction leaves the pod alone");
        }
        else
        {
            await evict.Should().NotThrowAsync();
            var evicted = api.Get<V1Pod>("default", "web-0")!;
            evicted.Metadata.DeletionTimestamp.Should().Be(clock.GetUtcNow().UtcDateTime.AddSeconds(30), "it terminates within its grace period");
            evicted.Status.Conditions.Should().Contain(c => c.Type == "DisruptionTarget" && c.Status == "True" && c.Reason == "EvictionByEvictionAPI");
        }

        api.Get<V1PodDisruptionBudget>("default", "web")!.Status.DisruptionsAllowed.Should().Be(row.AllowedAfter);
    }

    [Fact]
    public async Task A_refusal_for_no_disruption_names_the_budget_and_its_counts_in_the_cause()
    {
        var api = ClusterApi.CreateInMemory(time: new FakeTimeProvider());
        await RunningPodAsync(api, "web-0", ready: true);
        await BudgetAsync(api, "web", allowed: 0, healthy: 2, desired: 2, null, lags: false);

        var refusal = (await ((Func<Task>)(() => api.EvictAsync("default", "web-0", (RequestContext?)null, Token))).Should().ThrowAsync<ApiException>()).Which.Status;

        refusal.Details.Causes.Should().ContainSingle(c => c.Reason == "DisruptionBudget" && c.Message == "The disruption budget web needs 2 healthy pods and has 2 currently");
    }

    public static TheoryData<string, long?, long?, bool> Deletes => new()
    {
        // description, spec grace, request grace, still there (Terminating) afterwards
        { "spec default 30 s", null, null, true },
        { "spec 10 s", 10, null, true },
        { "request 0 deletes at once", 30, 0, false },
        { "spec 0 deletes at once", 0, null, false },
    };

    [Theory]
    [MemberData(nameof(Deletes))]
    public async Task Deleting_a_bound_pod_is_graceful_unless_the_grace_period_is_zero(string description, long? specGrace, long? requestGrace, bool terminating)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var api = ClusterApi.CreateInMemory(time: clock);
        await RunningPodAsync(api, "web-0", ready: true, specGrace);

        await api.DeleteAsync<V1Pod>("default", "web-0", null, new RequestContext { GracePeriodSeconds = requestGrace }, Token);

        var left = api.Get<V1Pod>("default", "web-0");
        if (terminating)
        {
            left.Should().NotBeNull(description);
            left!.Metadata.DeletionTimestamp.Should().Be(clock.GetUtcNow().UtcDateTime.AddSeconds(specGrace ?? 30));
            left.Metadata.DeletionGracePeriodSeconds.Should().Be(specGrace ?? 30);
        }
        else
        {
            left.Should().BeNull(description);
        }
    }

    [Fact]
    public async Task An_unbound_pod_is_deleted_at_once_and_a_second_delete_may_only_shorten_the_grace_period()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var api = ClusterApi.CreateInMemory(time: clock);
        await api.CreateAsync(Manifests.Pod("pending"), cancellationToken: Token);
        await RunningPodAsync(api, "web-0", ready: true);

        await api.DeleteAsync<V1Pod>("default", "pending", cancellationToken: Token);
        await api.DeleteAsync<V1Pod>("default", "web-0", cancellationToken: Token);
        await api.DeleteAsync<V1Pod>("default", "web-0", null, new RequestContext { GracePeriodSeconds = 60 }, Token);
        var afterLonger = api.Get<V1Pod>("default", "web-0")!.Metadata.DeletionTimestamp;
        await api.DeleteAsync<V1Pod>("default", "web-0", null, new RequestContext { GracePeriodSeconds = 5 }, Token);

        api.Get<V1Pod>("default", "pending").Should().BeNull("no kubelet runs it, so nothing needs to stop");
        afterLonger.Should().Be(clock.GetUtcNow().UtcDateTime.AddSeconds(30));
        api.Get<V1Pod>("default", "web-0")!.Metadata.DeletionTimestamp.Should().Be(clock.GetUtcNow().UtcDateTime.AddSeconds(5));
    }

    private static async Task<V1Pod> RunningPodAsync(ClusterApi api, string name, bool ready, long? grace = null)
    {
        var pod = Manifests.Pod(name, labels: new Dictionary<string, string> { ["app"] = "web" });
        pod.Spec.NodeName = "node-a";
        pod.Spec.TerminationGracePeriodSeconds = grace;
        var created = await api.CreateAsync(pod, cancellationToken: Token);
        created.Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        };
        return await api.UpdateStatusAsync(created, cancellationToken: Token);
    }

    private static async Task BudgetAsync(ClusterApi api, string name, int allowed, int healthy, int desired, string? unhealthyPolicy, bool lags)
    {
        var budget = await api.CreateAsync(
            new V1PodDisruptionBudget
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
                Spec = new V1PodDisruptionBudgetSpec
                {
                    MinAvailable = desired,
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                    UnhealthyPodEvictionPolicy = unhealthyPolicy,
                },
            },
            cancellationToken: Token);
        budget.Status = new V1PodDisruptionBudgetStatus
        {
            ObservedGeneration = lags ? 0 : budget.Metadata.Generation,
            CurrentHealthy = healthy,
            DesiredHealthy = desired,
            ExpectedPods = 3,
            DisruptionsAllowed = allowed,
        };
        await api.UpdateStatusAsync(budget, cancellationToken: Token);
    }
}
