using AdmissionGuard.Core;
using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Http;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Rbac;

/// <summary>
/// The API requests the guard makes (as its ServiceAccount) in a representative run on the sandbox, recorded once
/// per restart method: caches listing and watching everything they hold (pods, agent pods, nodes, namespaces,
/// ciliumendpoints, the leader Lease), leader election and the Lease's release on shutdown, a DaemonSet pod gated
/// and released, a pod that started before Cilium healed by eviction (or delete), and the Events of both.
/// </summary>
public sealed class GuardRequestsFixture : IAsyncLifetime
{
    public const string Evict = "Evict";
    public const string Delete = "Delete";

    private const string Node = "node-1";
    private const string GatedNamespace = "agents";
    private static readonly TimeSpan WorkloadTimeout = TimeSpan.FromSeconds(90);

    private readonly Dictionary<string, IReadOnlyList<ApiRequest>> _requests = new(StringComparer.Ordinal);

    /// <summary>The distinct requests of the guard's identity in the run with <c>Reconciler:RestartMethod</c> = <paramref name="restartMethod"/>.</summary>
    public IReadOnlyList<ApiRequest> Requests(string restartMethod) => _requests[restartMethod];

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // One after the other: the machine is small, and each run has timing of its own (agent start-up, cycles).
        foreach (var method in new[] { Evict, Delete })
        {
            _requests[method] = await RecordAsync(method, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async Task<IReadOnlyList<ApiRequest>> RecordAsync(string restartMethod, CancellationToken cancellationToken)
    {
        await using var playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions
            {
                ReconcilerInterval = TimeSpan.FromSeconds(1),
                MinPodAge = TimeSpan.Zero,
                Simulation = new SimulationOptions
                {
                    StartupDelay = TimeSpan.FromMilliseconds(200),
                    CiliumAgentStartupDelay = TimeSpan.FromSeconds(1),
                },
                Settings = new Dictionary<string, string> { ["Reconciler:RestartMethod"] = restartMethod },
            },
            cancellationToken);
        await playground.Cluster.AddNodeAsync(Node, cancellationToken: cancellationToken);
        await playground.WaitUntilCachedAsync(cluster => cluster.GetNode(Node) is not null, $"node {Node}", cancellationToken: cancellationToken);

        // The seed's DaemonSets live in kube-system, which the webhooks never see: ebs-csi-node starts before Cilium
        // and stays unmanaged. The same kind of DaemonSet elsewhere is gated by the mutating webhook instead.
        await playground.Cluster.CreateSeedDaemonSetsAsync(cancellationToken);
        await playground.Api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = GatedNamespace } }, cancellationToken: cancellationToken);
        await playground.Api.CreateAsync(
            SimulatedWorkloads.DaemonSet("node-agent", GatedNamespace, new Dictionary<string, string> { ["app"] = "node-agent" }, "registry.k8s.io/pause:3.10", hostNetwork: false,
                [new V1Toleration { OperatorProperty = "Exists" }]),
            cancellationToken: cancellationToken);
        await playground.WaitUntilAsync(
            () => playground.Api.List<V1Pod>(GatedNamespace).Any(p => p.Spec.SchedulingGates?.Any(g => g.Name == WellKnown.SchedulingGate) == true)
                && playground.Api.List<V1Pod>(SimulatedWorkloads.SystemNamespace).Any(p => p.Metadata.Name.StartsWith("ebs-csi-node", StringComparison.Ordinal) && p.Status?.Phase == "Running"),
            "node-agent gated and ebs-csi-node running without Cilium",
            WorkloadTimeout,
            cancellationToken);

        await playground.Cluster.InstallCiliumAsync(cancellationToken: cancellationToken);
        var restarted = restartMethod == Delete ? "UnmanagedPodDeleted" : "UnmanagedPodEvicted";
        await playground.WaitUntilAsync(
            () => EventReasons(playground).IsSupersetOf(["SchedulingGateReleased", restarted]),
            $"the events SchedulingGateReleased and {restarted}",
            WorkloadTimeout,
            cancellationToken);

        // A graceful stop, as on SIGTERM: the leader releases its Lease, which is one more request to authorize.
        foreach (var instance in playground.Instances)
        {
            await instance.StopAsync(cancellationToken);
        }

        return playground.Sandbox.Requests.Requests(GuardOnSandbox.ServiceAccountUser);
    }

    private static HashSet<string> EventReasons(GuardOnSandbox playground) =>
        [.. playground.Api.List<Corev1Event>().Select(e => e.Reason)];
}
