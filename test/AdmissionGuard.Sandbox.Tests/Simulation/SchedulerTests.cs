using AdmissionGuard.Sandbox.Admission;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Cilium;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

public sealed class SchedulerTests
{
    [Fact]
    public async Task A_pod_that_does_not_tolerate_the_taint_is_unschedulable_and_one_that_does_is_bound()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Pod("plain"), cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Pod("tolerant", tolerations: [Manifests.Tolerate(CiliumTaints.AgentNotReady)]), cancellationToken: TestCluster.Token);

        var condition = await cluster.Until(() => TestCluster.Scheduled(cluster.Pod("plain")) is { Reason: "Unschedulable" } c ? c : null, "the plain pod is unschedulable");
        await cluster.Until(() => cluster.Pod("tolerant")!.Spec.NodeName == "node-a", "the tolerant pod is bound");

        condition.Status.Should().Be("False");
        condition.Message.Should().Be("0/1 nodes are available: 1 node(s) had untolerated taint {node.cilium.io/agent-not-ready: true}.");
        cluster.Pod("plain")!.Spec.NodeName.Should().BeNull();
    }

    [Fact]
    public async Task An_unschedulable_pod_is_bound_once_the_taint_goes()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Pod("web"), cancellationToken: TestCluster.Token);
        await cluster.Until(() => TestCluster.Scheduled(cluster.Pod("web"))?.Reason == "Unschedulable", "the pod is unschedulable");

        await cluster.Api.PatchAsync<V1Node>(null, "node-a", PatchType.Merge, """{"spec":{"taints":null}}""", cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Pod("web")!.Spec.NodeName == "node-a", "the pod is bound");
        TestCluster.Scheduled(cluster.Pod("web"))!.Status.Should().Be("True");
    }

    [Fact]
    public async Task Node_selector_and_cordon_steer_the_pod()
    {
        await using var cluster = TestCluster.Start();
        var untainted = new NodeSetup { CiliumTaint = false };
        await cluster.Simulation.AddNodeAsync("node-a", untainted with { Labels = new Dictionary<string, string> { ["disk"] = "ssd" }, Unschedulable = true }, TestCluster.Token);
        await cluster.Simulation.AddNodeAsync("node-b", untainted with { Labels = new Dictionary<string, string> { ["disk"] = "ssd" } }, TestCluster.Token);
        await cluster.Simulation.AddNodeAsync("node-c", untainted, TestCluster.Token);
        var pod = Manifests.Pod("web");
        pod.Spec.NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" };

        await cluster.Api.CreateAsync(pod, cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Pod("web")!.Spec.NodeName == "node-b", "the pod lands on the only schedulable ssd node");
    }

    public static TheoryData<string, string[], string> Expressions => new()
    {
        { "In", ["large", "huge"], "node-large" },
        { "NotIn", ["small"], "node-large" },
        { "Exists", [], "node-large" },
        { "Gt", ["8"], "node-large" },
        { "Lt", ["8"], "node-small" },
    };

    [Theory]
    [MemberData(nameof(Expressions))]
    public async Task Required_node_affinity_expressions_pick_the_matching_node(string op, string[] values, string expected)
    {
        await using var cluster = TestCluster.Start();
        var untainted = new NodeSetup { CiliumTaint = false };
        await cluster.Simulation.AddNodeAsync("node-small", untainted with { Labels = new Dictionary<string, string> { ["size"] = "small", ["cores"] = "4" } }, TestCluster.Token);
        await cluster.Simulation.AddNodeAsync("node-large", untainted with { Labels = new Dictionary<string, string> { ["size"] = "large", ["cores"] = "16", ["gpu"] = "yes" } }, TestCluster.Token);
        var key = op is "Gt" or "Lt" ? "cores" : op == "Exists" ? "gpu" : "size";
        var pod = Manifests.Pod("web");
        pod.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = key, OperatorProperty = op, Values = values }] }],
                },
            },
        };

        await cluster.Api.CreateAsync(pod, cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Pod("web")!.Spec.NodeName is not null, "the pod is bound");
        cluster.Pod("web")!.Spec.NodeName.Should().Be(expected);
    }

    [Fact]
    public async Task Does_not_exist_and_match_fields_narrow_the_nodes()
    {
        await using var cluster = TestCluster.Start();
        var untainted = new NodeSetup { CiliumTaint = false };
        await cluster.Simulation.AddNodeAsync("node-a", untainted with { Labels = new Dictionary<string, string> { ["legacy"] = "true" } }, TestCluster.Token);
        await cluster.Simulation.AddNodeAsync("node-b", untainted, TestCluster.Token);
        await cluster.Simulation.AddNodeAsync("node-c", untainted, TestCluster.Token);
        var pod = Manifests.Pod("web");
        pod.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms =
                    [
                        new V1NodeSelectorTerm
                        {
                            MatchExpressions = [new V1NodeSelectorRequirement { Key = "legacy", OperatorProperty = "DoesNotExist" }],
                            MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "NotIn", Values = ["node-b"] }],
                        },
                    ],
                },
            },
        };

        await cluster.Api.CreateAsync(pod, cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Pod("web")!.Spec.NodeName == "node-c", "the pod lands on node-c");
    }

    [Fact]
    public async Task A_gated_pod_waits_with_scheduling_gated_and_is_bound_when_the_last_gate_goes()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var pod = Manifests.Pod("gated");
        pod.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "example.com/cni" }, new V1PodSchedulingGate { Name = "example.com/other" }];
        await cluster.Api.CreateAsync(pod, cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Pod("marker"), cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Pod("marker")!.Spec.NodeName is not null, "the scheduler has run past the gated pod");

        TestCluster.Scheduled(cluster.Pod("gated")).Should().BeEquivalentTo(new { Status = "False", Reason = "SchedulingGated" });
        cluster.Pod("gated")!.Spec.NodeName.Should().BeNull();

        await cluster.Api.PatchAsync<V1Pod>("default", "gated", PatchType.Json, """[{"op":"remove","path":"/spec/schedulingGates/0"}]""", cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Pod("marker-2"), cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Pod("marker-2")!.Spec.NodeName is not null, "the scheduler has run again");
        cluster.Pod("gated")!.Spec.NodeName.Should().BeNull("one gate is left");

        await cluster.Api.PatchAsync<V1Pod>("default", "gated", PatchType.Json, """[{"op":"remove","path":"/spec/schedulingGates/0"}]""", cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Pod("gated")!.Spec.NodeName == "node-a", "the pod is bound once ungated");
        TestCluster.Scheduled(cluster.Pod("gated"))!.Status.Should().Be("True");
    }

    [Fact]
    public async Task A_refused_binding_is_retried_with_backoff()
    {
        var admission = new RefusingBindings();
        await using var cluster = TestCluster.Start(admission: admission);
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);

        await cluster.Api.CreateAsync(Manifests.Pod("web"), cancellationToken: TestCluster.Token);
        var refused = await cluster.Until(() => TestCluster.Scheduled(cluster.Pod("web")) is { Reason: "SchedulerError" } c ? c : null, "the binding is refused");
        refused.Message.Should().Contain("denied the request: node-a is not ready");
        await cluster.Until(() => admission.Attempts >= 3, "the scheduler retries", letTimeFlow: true);
        cluster.Pod("web")!.Spec.NodeName.Should().BeNull();

        admission.Refuse = false;
        await cluster.Until(() => cluster.Pod("web")!.Spec.NodeName == "node-a", "the retried binding succeeds", letTimeFlow: true);
    }

    [Fact]
    public async Task The_backoff_doubles_from_one_second_to_at_most_ten_per_pod_on_the_simulation_clock()
    {
        var admission = new RefusingBindings();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var api = ClusterApi.CreateInMemory(admission, clock);
        await api.CreateAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "node-a" } }, cancellationToken: TestCluster.Token);
        await api.CreateAsync(Manifests.Pod("web"), cancellationToken: TestCluster.Token);
        var scheduler = new Scheduler(api, new SimulationOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var waits = new List<double>();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var retryAt = await scheduler.ReconcileAsync(TestCluster.Token);
            admission.Attempts.Should().Be(attempt);
            waits.Add((retryAt!.Value - clock.GetUtcNow()).TotalSeconds);
            clock.Advance(retryAt.Value - clock.GetUtcNow() - TimeSpan.FromMilliseconds(1));
            (await scheduler.ReconcileAsync(TestCluster.Token)).Should().Be(retryAt, "no retry before the backoff is over");
            admission.Attempts.Should().Be(attempt);
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        waits.Should().Equal(1, 2, 4, 8, 10, 10);
    }

    [Fact]
    public async Task The_scheduler_records_failed_scheduling_once_per_message_with_a_count_and_scheduled_on_binding()
    {
        var admission = new RefusingBindings();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 4, 0, 0, TimeSpan.Zero));
        var api = ClusterApi.CreateInMemory(admission, clock);
        await api.CreateAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "node-a" } }, cancellationToken: TestCluster.Token);
        var pod = await api.CreateAsync(Manifests.Pod("web"), cancellationToken: TestCluster.Token);
        var scheduler = new Scheduler(api, new SimulationOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var retryAt = await scheduler.ReconcileAsync(TestCluster.Token);
        clock.Advance(retryAt!.Value - clock.GetUtcNow());
        await scheduler.ReconcileAsync(TestCluster.Token);
        var refused = api.List<Corev1Event>("default").Should().ContainSingle("a repeated failure adds to the first event's series").Subject;
        var condition = TestCluster.Scheduled(api.Get<V1Pod>("default", "web"))!;
        admission.Refuse = false;
        clock.Advance(TimeSpan.FromSeconds(10));
        await scheduler.ReconcileAsync(TestCluster.Token);

        refused.Should().BeEquivalentTo(new
        {
            Type = "Warning",
            Reason = "FailedScheduling",
            Action = "Scheduling",
            ReportingComponent = "default-scheduler",
            Message = "running Bind plugin \"DefaultBinder\": admission webhook \"check.pods.admissionguard.io\" denied the request: node-a is not ready",
            InvolvedObject = new { Kind = "Pod", Name = "web", NamespaceProperty = "default", Uid = pod.Metadata.Uid },
            Series = new { Count = 2, LastObservedTime = new DateTime(2026, 12, 5, 4, 0, 1, DateTimeKind.Utc) },
            Source = (V1EventSource?)null,
            Count = (int?)null,
        });
        refused.EventTime.Should().Be(new DateTime(2026, 12, 5, 4, 0, 0, DateTimeKind.Utc));
        condition.Message.Should().Be(refused.Message, "the condition carries the same error");
        api.List<Corev1Event>("default").Should().HaveCount(2).And.ContainSingle(e => e.Reason == "Scheduled").Which.Should().BeEquivalentTo(new
        {
            Type = "Normal",
            Action = "Binding",
            Message = "Successfully assigned default/web to node-a",
            ReportingComponent = "default-scheduler",
        });
    }

    [Fact]
    public async Task An_unschedulable_pod_gets_one_failed_scheduling_event_naming_why()
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "node-a" }, Spec = new V1NodeSpec { Unschedulable = true } }, cancellationToken: TestCluster.Token);
        await api.CreateAsync(Manifests.Pod("web"), cancellationToken: TestCluster.Token);
        var scheduler = new Scheduler(api, new SimulationOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        await scheduler.ReconcileAsync(TestCluster.Token);
        await scheduler.ReconcileAsync(TestCluster.Token);

        api.List<Corev1Event>("default").Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Type = "Warning",
            Reason = "FailedScheduling",
            Message = TestCluster.Scheduled(api.Get<V1Pod>("default", "web"))!.Message,
        });
        api.List<Corev1Event>("default").Single().Message.Should().StartWith("0/1 nodes are available: ");
    }

    private sealed class RefusingBindings : IAdmission
    {
        private int _attempts;

        public volatile bool Refuse = true;

        public int Attempts => Volatile.Read(ref _attempts);

        public Task<System.Text.Json.Nodes.JsonObject?> MutateAsync(AdmissionRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(request.NewObject);

        public Task ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
        {
            if (request.SubResource == "binding")
            {
                Interlocked.Increment(ref _attempts);
                if (Refuse)
                {
                    var node = (string?)request.NewObject?["target"]?["name"];
                    throw new ApiException(ApiErrors.Forbidden($"admission webhook \"check.pods.admissionguard.io\" denied the request: {node} is not ready"));
                }
            }

            return Task.CompletedTask;
        }
    }
}
