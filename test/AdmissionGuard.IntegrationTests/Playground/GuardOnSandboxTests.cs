using AdmissionGuard.Core;
using AdmissionGuard.Playground;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Playground;

/// <summary>The harness itself: the guard on the sandbox, reached through the shipped webhook configurations.</summary>
public sealed class GuardOnSandboxTests
{
    private const string Node = "node-1";

    [Fact]
    public async Task A_pinned_pod_on_a_tainted_node_is_gated_and_a_binding_onto_it_is_refused()
    {
        var token = TestContext.Current.CancellationToken;
        await using var playground = await GuardOnSandbox.StartAsync(cancellationToken: token);
        await playground.Cluster.AddNodeAsync(Node, cancellationToken: token);
        await playground.WaitUntilCachedAsync(cluster => cluster.GetNode(Node) is not null, $"node {Node}", cancellationToken: token);

        var pinned = await playground.Client.CoreV1.CreateNamespacedPodAsync(BlanketTolerationPod("pinned", pinnedTo: Node), "default", cancellationToken: token);

        pinned.Spec.SchedulingGates.Should().ContainSingle().Which.Name.Should().Be(WellKnown.SchedulingGate);

        var unpinned = await playground.Client.CoreV1.CreateNamespacedPodAsync(BlanketTolerationPod("unpinned", pinnedTo: null), "default", cancellationToken: token);
        var bind = () => playground.Client.CoreV1.CreateNamespacedPodBindingAsync(
            new V1Binding
            {
                Metadata = new V1ObjectMeta { Name = unpinned.Metadata.Name, NamespaceProperty = "default" },
                Target = new V1ObjectReference { Kind = "Node", Name = Node },
            },
            unpinned.Metadata.Name, "default", cancellationToken: token);

        var refusal = await bind.Should().ThrowAsync<HttpOperationException>();
        refusal.Which.Response.Content.Should().Contain("admission webhook \\\"check.pods.admissionguard.io\\\" denied the request")
            .And.Contain(Node).And.Contain(WellKnown.CiliumAgentNotReadyTaint);
    }

    [Fact]
    public async Task The_webhook_configurations_are_the_shipped_ones_with_the_webhook_CA_as_caBundle()
    {
        var token = TestContext.Current.CancellationToken;
        await using var playground = await GuardOnSandbox.StartAsync(cancellationToken: token);

        var mutating = await playground.Client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync("admissionguard", cancellationToken: token);
        var validating = await playground.Client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync("admissionguard", cancellationToken: token);

        mutating.Webhooks.Select(w => w.Name).Should().Equal("gate.pods.admissionguard.io");
        validating.Webhooks.Select(w => w.Name).Should().Equal("check.pods.admissionguard.io");
        var caBundle = System.Text.Encoding.ASCII.GetBytes(playground.WebhookCertificates.AuthorityPem);
        mutating.Webhooks.Single().ClientConfig.CaBundle.Should().Equal(caBundle);
        validating.Webhooks.Single().ClientConfig.CaBundle.Should().Equal(caBundle);
        playground.Sandbox.ServiceEndpoints[ShippedWebhooks.Service].Should().EndWith($":{playground.ServiceTarget!.Addresses.WebhookPort}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_the_leader_stops_or_is_killed_the_other_instance_takes_over_and_serves_the_webhook(bool kill)
    {
        var token = TestContext.Current.CancellationToken;
        await using var playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions
            {
                Instances = 2,
                Settings = new Dictionary<string, string>
                {
                    ["LeaderElection:LeaseDuration"] = "00:00:06",
                    ["LeaderElection:RenewDeadline"] = "00:00:04",
                    ["LeaderElection:RetryPeriod"] = "00:00:00.500",
                },
            },
            token);
        var first = playground.Leader!;
        playground.Instances.Select(i => i.Identity).Should().Equal("guard-1", "guard-2");
        playground.Instances.Count(i => i.IsLeader).Should().Be(1);

        if (kill)
        {
            await first.KillAsync();
        }
        else
        {
            await first.StopAsync(token);
        }

        var next = await playground.WaitForLeaderAsync(TimeSpan.FromSeconds(20), token);
        next.Should().NotBeSameAs(first);
        first.IsRunning.Should().BeFalse();
        playground.ServiceTarget.Should().BeSameAs(playground.Instances.Single(i => i.IsRunning));
        var lease = await playground.Client.CoordinationV1.ReadNamespacedLeaseAsync("admissionguard-leader", GuardOnSandbox.GuardNamespace, cancellationToken: token);
        lease.Spec.HolderIdentity.Should().Be(next.Identity);
    }

    [Fact]
    public async Task In_slim_mode_the_guard_sees_that_the_cluster_serves_no_CiliumEndpoints()
    {
        var token = TestContext.Current.CancellationToken;
        await using var playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions { Simulation = new AdmissionGuard.Sandbox.Simulation.SimulationOptions { CiliumEndpoints = false } }, token);

        await playground.WaitUntilCachedAsync(cluster => !cluster.EndpointsAvailable, "no CiliumEndpoints served", cancellationToken: token);
    }

    private static V1Pod BlanketTolerationPod(string name, string? pinnedTo) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
            Containers = [new V1Container { Name = "app", Image = "registry.k8s.io/pause:3.10" }],
            // Keeps the simulated scheduler away, so the test's own binding is the first one.
            SchedulerName = pinnedTo is null ? "nobody" : null,
            Affinity = pinnedTo is null ? null : new V1Affinity
            {
                NodeAffinity = new V1NodeAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                    {
                        NodeSelectorTerms =
                        [
                            new V1NodeSelectorTerm
                            {
                                MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [pinnedTo] }],
                            },
                        ],
                    },
                },
            },
        },
    };
}
