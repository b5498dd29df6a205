using AdmissionGuard.Sandbox;
using AdmissionGuard.Sandbox.Cilium;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Commands;

/// <summary>
/// The seed's failure on the sandbox, on real time: two tainted nodes, the blanket-toleration DaemonSets
/// (<c>ebs-csi-node</c>, <c>istio-cni-node</c>) and the hostNetwork <c>aws-node</c> running before Cilium is installed,
/// then Cilium becoming ready and a pod <c>default/web</c> started after it. Scans only read it, so the tests share it.
/// </summary>
public sealed class SeedFailureCluster : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private SimulatedCluster? _simulation;
    private SandboxServer? _sandbox;

    public SandboxServer Sandbox => _sandbox ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>The pods that run without Cilium, namespace/name, in the order scan prints them.</summary>
    public IReadOnlyList<string> UnmanagedPods { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync();
        _simulation = new SimulatedCluster(_sandbox.Api, new SimulationOptions { StartupDelay = TimeSpan.Zero });
        _simulation.Start();
        var api = _sandbox.Api;
        await _simulation.AddNodeAsync("node-a");
        await _simulation.AddNodeAsync("node-b");
        await _simulation.CreateSeedDaemonSetsAsync();
        await WaitAsync(() => api.List<V1Pod>("kube-system").Count(IsRunning) == 6, "the seed DaemonSets run on both nodes");

        // Times are kept to the second, as upstream: Cilium counts a pod that started in the second its agent became
        // Ready as managed, so the agent must become Ready at least a second after the DaemonSets' pods started.
        await _simulation.InstallCiliumAsync(agentStartupDelay: TimeSpan.FromSeconds(1.5));
        await WaitAsync(() => api.List<V1Node>().All(n => n.Spec.Taints is null or { Count: 0 }), "Cilium is ready on both nodes");
        await api.CreateAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx" }] },
        });
        await WaitAsync(() => api.Get<CiliumEndpoint>("default", "web") is not null, "the pod started after Cilium got its endpoint");

        UnmanagedPods = api.List<V1Pod>("kube-system")
            .Where(p => p.Spec.HostNetwork != true)
            .Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (_simulation is not null)
        {
            await _simulation.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }

    private static bool IsRunning(V1Pod pod) => pod.Status?.Phase == "Running";

    private async Task WaitAsync(Func<bool> condition, string what)
    {
        if (!await ClusterWait.UntilAsync(Sandbox.Api, condition, Timeout))
        {
            throw new TimeoutException($"the seed failure was not reproduced: timed out after {Timeout.TotalSeconds}s waiting until {what}");
        }
    }
}
