using System.Globalization;
using AdmissionGuard.Core;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Playground.Demo;

/// <summary>
/// The seed's story on the embedded sandbox, in seconds: tainted nodes, DaemonSets with blanket tolerations and a slow
/// Cilium, so some pods start without Cilium; then AdmissionGuard is installed: it restarts those pods (their
/// replacements get CiliumEndpoints), and a node that joins afterwards gets its DaemonSet pods held by the gate until
/// its Cilium agent is ready.
/// </summary>
internal static class DemoStory
{
    public const int Success = 0;
    public const int NotManaged = 1;

    public static async Task<int> RunAsync(DemoSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        await using var playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions
            {
                Instances = 0,
                Mode = settings.Mode,
                ReconcilerInterval = DemoSettings.ReconcilerInterval,
                MinPodAge = DemoSettings.MinPodAge,
                Simulation = new SimulationOptions
                {
                    StartupDelay = DemoSettings.PodStartupDelay,
                    ShutdownDelay = DemoSettings.PodStartupDelay,
                    // Controllers retry refused creations (deny mode) on resync.
                    ResyncInterval = TimeSpan.FromSeconds(1),
                },
            },
            cancellationToken);
        var cluster = playground.Cluster;
        await using var timeline = Timeline.Start(playground.Api, output, TimeProvider.System);

        timeline.Chapter(string.Create(CultureInfo.InvariantCulture,
            $"Before AdmissionGuard: {settings.Nodes} nodes tainted {WellKnown.CiliumAgentNotReadyTaint}; ebs-csi-node and istio-cni-node tolerate it; Cilium's agent needs {DemoSettings.CiliumAgentStartupDelay.TotalSeconds:0}s"));
        var nodes = await SeedCluster.AddNodesAsync(cluster, 1, settings.Nodes, cancellationToken);
        await SeedCluster.InstallWorkloadsAsync(cluster, DemoSettings.CiliumAgentStartupDelay, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);
        var outcome = DemoOutcome.Read(playground.Api, timeline.Pods);
        try
        {
            await WaitAsync(timeline, () => playground.Api.List<V1Node>().All(n => n.Spec?.Taints is not { Count: > 0 }), deadline.Token);

            timeline.Chapter($"AdmissionGuard installed (mode {settings.Mode}): webhook + reconciler");
            await playground.StartInstanceAsync(cancellationToken: deadline.Token);
            await playground.WaitForLeaderAsync(cancellationToken: deadline.Token);

            var late = SeedCluster.NodeName(settings.Nodes + 1);
            timeline.Chapter($"{late} joins, tainted until its Cilium agent is ready (the webhooks exempt kube-system: ebs-csi-node there is healed by a restart)");
            await SeedCluster.AddNodesAsync(cluster, settings.Nodes + 1, 1, deadline.Token);
            await WaitAsync(timeline, () => (outcome = DemoOutcome.Read(playground.Api, timeline.Pods)).Settled, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: the outcome says what is missing.
        }
        catch (TimeoutException e)
        {
            output.WriteLine($"admissionguard-playground demo: {e.Message}");
        }

        // Every change up to here is told (and remembered) before the summary.
        await timeline.StopAsync();
        outcome = DemoOutcome.Read(playground.Api, timeline.Pods);
        output.WriteLine();
        outcome.Print(output);
        output.WriteLine();
        if (outcome.Settled)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Every pod that needs the CNI is managed by Cilium ({nodes.Count + 1} nodes, {timeline.Elapsed.TotalSeconds:0.0}s)."));
            return Success;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Not every pod is managed by Cilium after {settings.Timeout.TotalSeconds:0}s:"));
        foreach (var problem in outcome.Problems)
        {
            output.WriteLine($"  {problem}");
        }

        return NotManaged;
    }

    private static async Task WaitAsync(Timeline timeline, Func<bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Taken before the check, so a change between the check and the wait is not missed.
            var next = timeline.NextChangeAsync(cancellationToken);
            if (condition())
            {
                return;
            }

            await next;
        }
    }
}
