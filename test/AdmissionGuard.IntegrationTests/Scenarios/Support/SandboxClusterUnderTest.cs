using System.Globalization;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Simulation;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>The embedded sandbox with its simulated cluster and Cilium, and the guard on it (<see cref="GuardOnSandbox"/>).</summary>
internal sealed class SandboxClusterUnderTest(GuardOnSandbox playground, CapturedLog log) : IClusterUnderTest
{
    /// <summary>
    /// Pods become Ready quickly, the agent a little later: the window in which pods slip through. Deleted pods
    /// terminate in 500 ms (real time), long enough to show that replacements wait for them.
    /// </summary>
    private static SimulationOptions Simulation(GuardSetup setup) => new()
    {
        StartupDelay = TimeSpan.FromMilliseconds(200),
        ShutdownDelay = TimeSpan.FromMilliseconds(500),
        CiliumAgentStartupDelay = setup.CiliumAgentStartup ?? TimeSpan.FromSeconds(1),
        SchedulerInitialBackoff = TimeSpan.FromMilliseconds(200),
        SchedulerMaxBackoff = TimeSpan.FromSeconds(1),
    };

    private int _nodes;

    public string Name => "sandbox";

    public Kubernetes Client => playground.Client;

    public string KubeconfigPath => playground.KubeconfigPath;

    public IReadOnlyList<GuardInstance> Guards => playground.Instances;

    public GuardOnSandbox Playground => playground;

    public CapturedLog Log => log;

    public static async Task<IClusterUnderTest> StartAsync(GuardSetup setup, CancellationToken cancellationToken)
    {
        var log = new CapturedLog();
        var playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions
            {
                Instances = setup.Instances,
                Mode = setup.Mode,
                DryRun = setup.DryRun,
                Settings = setup.AllSettings(),
                Simulation = Simulation(setup),
                Logging = log.Configure,
            },
            cancellationToken);
        return new SandboxClusterUnderTest(playground, log);
    }

    public bool Supports(ClusterFeature feature) => true;

    public void Require(ClusterFeature feature)
    {
    }

    public async Task<IReadOnlyList<string>> AddTaintedNodesAsync(int count, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"node-{Interlocked.Increment(ref _nodes)}");
            await playground.Cluster.AddNodeAsync(name, cancellationToken: cancellationToken);
            names.Add(name);
        }

        return names;
    }

    public async Task InstallCiliumAsync(IReadOnlyCollection<string>? withoutAgentOn, CancellationToken cancellationToken)
    {
        var agent = SimulatedWorkloads.CiliumAgent(playground.Cluster.Options, playground.Cluster.Options.CiliumAgentStartupDelay);
        if (withoutAgentOn is { Count: > 0 })
        {
            agent.Spec.Template.Spec.Affinity = new V1Affinity
            {
                NodeAffinity = new V1NodeAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                    {
                        NodeSelectorTerms =
                        [
                            new V1NodeSelectorTerm
                            {
                                MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "NotIn", Values = [.. withoutAgentOn] }],
                            },
                        ],
                    },
                },
            };
        }

        await playground.Api.CreateAsync(agent, cancellationToken: cancellationToken);
    }

    public Task WaitUntilCachedAsync(Func<IClusterSnapshot, bool> condition, string what, CancellationToken cancellationToken) =>
        playground.WaitUntilCachedAsync(condition, what, cancellationToken: cancellationToken);

    public Task<GuardInstance> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        playground.WaitForLeaderAsync(timeout, cancellationToken);

    public void FailLeaseWrites(bool fail)
    {
        // Only HTTP clients (the guards) are affected; the simulated controllers write in process. Renewing and taking
        // over a Lease are both updates (PUT).
        if (fail)
        {
            playground.Sandbox.Faults.ErrorStatusCode = 500;
            playground.Sandbox.Faults.SetErrorRate("update", 1);
        }
        else
        {
            playground.Sandbox.Faults.Reset();
        }
    }

    public ValueTask DisposeAsync() => playground.DisposeAsync();
}
