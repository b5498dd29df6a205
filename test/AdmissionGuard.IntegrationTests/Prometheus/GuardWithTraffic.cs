using AdmissionGuard.Core;
using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Prometheus;

/// <summary>
/// The guard on the sandbox after some admission traffic (a DaemonSet's pods gated, a Deployment's pods admitted)
/// and with one unmanaged pod that stays unmanaged: <c>ebs-csi-node</c> started before Cilium, and the reconciler
/// runs in dry run, so it only reports it.
/// </summary>
public sealed class GuardWithTraffic : IAsyncLifetime
{
    public const string GatedNamespace = "agents";

    private const string Node = "node-1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private GuardOnSandbox? _playground;

    internal GuardOnSandbox Playground => _playground ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>The guard's plain-HTTP health and metrics address, as Prometheus scrapes it: <c>127.0.0.1:port</c>.</summary>
    internal string MetricsTarget => $"127.0.0.1:{Playground.Instances[0].Addresses.HealthPort}";

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        _playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions
            {
                DryRun = true,
                ReconcilerInterval = TimeSpan.FromSeconds(1),
                MinPodAge = TimeSpan.Zero,
                Simulation = new SimulationOptions
                {
                    StartupDelay = TimeSpan.FromMilliseconds(200),
                    CiliumAgentStartupDelay = TimeSpan.FromSeconds(1),
                },
            },
            cancellationToken);
        await Playground.Cluster.AddNodeAsync(Node, cancellationToken: cancellationToken);
        await Playground.WaitUntilCachedAsync(cluster => cluster.GetNode(Node) is not null, $"node {Node}", cancellationToken: cancellationToken);

        await Playground.Cluster.CreateSeedDaemonSetsAsync(cancellationToken);
        await Playground.Api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = GatedNamespace } }, cancellationToken: cancellationToken);
        await Playground.Api.CreateAsync(
            SimulatedWorkloads.DaemonSet("node-agent", GatedNamespace, new Dictionary<string, string> { ["app"] = "node-agent" }, "registry.k8s.io/pause:3.10", hostNetwork: false,
                [new V1Toleration { OperatorProperty = "Exists" }]),
            cancellationToken: cancellationToken);
        await Playground.WaitUntilAsync(
            () => Playground.Api.List<V1Pod>(GatedNamespace).Any(p => p.Spec.SchedulingGates?.Any(g => g.Name == WellKnown.SchedulingGate) == true)
                && Playground.Api.List<V1Pod>(SimulatedWorkloads.SystemNamespace).Any(p => p.Metadata.Name.StartsWith("ebs-csi-node", StringComparison.Ordinal) && p.Status?.Phase == "Running"),
            "node-agent gated and ebs-csi-node running without Cilium",
            Timeout,
            cancellationToken);
        await Playground.Cluster.InstallCiliumAsync(cancellationToken: cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_playground is not null)
        {
            await _playground.DisposeAsync();
        }
    }
}
