using AdmissionGuard.Sandbox.Admission;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Cilium;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>One test's own cluster: an in-memory API on a fake clock with the simulation running.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(SimulationOptions options, IAdmission? admission)
    {
        Api = ClusterApi.CreateInMemory(admission, Clock);
        Simulation = new SimulatedCluster(Api, options, TestOutputLogger.Factory);
        Simulation.Start();
    }

    public FakeTimeProvider Clock { get; } = new();

    public ClusterApi Api { get; }

    public SimulatedCluster Simulation { get; }

    public static TestCluster Start(SimulationOptions? options = null, IAdmission? admission = null) =>
        new(options ?? new SimulationOptions { StartupDelay = TimeSpan.FromSeconds(5), CiliumAgentStartupDelay = TimeSpan.FromSeconds(30) }, admission);

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public Task Until(Func<bool> condition, string what, bool letTimeFlow = false) =>
        Eventually.Until(Api, condition, what, letTimeFlow ? Clock : null);

    public Task<T> Until<T>(Func<T?> probe, string what, bool letTimeFlow = false)
        where T : class =>
        Eventually.Until(Api, probe, what, letTimeFlow ? Clock : null);

    public V1Pod? Pod(string name, string ns = "default") => Api.Get<V1Pod>(ns, name);

    public IReadOnlyList<V1Pod> Pods(string ns, string labelSelector) =>
        Api.List<V1Pod>(ns, new ListOptions { LabelSelector = labelSelector });

    public CiliumEndpoint? Endpoint(V1Pod pod) => Api.Get<CiliumEndpoint>(pod.Metadata.NamespaceProperty, pod.Metadata.Name);

    public static bool IsRunning(V1Pod? pod) => pod?.Status?.Phase == "Running";

    public static bool IsReady(V1Pod? pod) => pod?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public static V1PodCondition? Scheduled(V1Pod? pod) => pod?.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");

    public async ValueTask DisposeAsync() => await Simulation.DisposeAsync();
}
