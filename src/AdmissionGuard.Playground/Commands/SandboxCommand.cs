using System.CommandLine;
using System.Globalization;
using AdmissionGuard.Commands;
using AdmissionGuard.Configuration;
using AdmissionGuard.Sandbox.Simulation;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Playground.Commands;

/// <summary>
/// <c>sandbox</c>: the sandbox API server with its simulated cluster and the guard, in the foreground until SIGTERM or
/// Ctrl+C, with a kubeconfig for kubectl (what <c>make sandbox-up</c> runs in the background).
/// </summary>
internal static class SandboxCommand
{
    public const string DefaultKubeconfig = ".sandbox/kubeconfig";

    public static Command Create()
    {
        var kubeconfigOut = new Option<string>("--kubeconfig-out")
        {
            Description = "where to write the kubeconfig for kubectl",
            DefaultValueFactory = _ => DefaultKubeconfig,
        };
        var seed = new Option<bool>("--seed")
        {
            Description = "once the guard runs, add the seed's cluster: tainted nodes, aws-node, ebs-csi-node (kube-system), istio-cni-node (istio-system) and a Cilium agent that becomes ready after --cilium-delay",
        };
        var nodes = new Option<int>("--nodes")
        {
            Description = "nodes --seed adds, 1 to 20",
            DefaultValueFactory = _ => 2,
        };
        nodes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 20)
            {
                result.AddError("--nodes must be between 1 and 20");
            }
        });
        var ciliumDelay = new Option<int>("--cilium-delay")
        {
            Description = "seconds the Cilium agent pods of --seed take to become ready, 0 to 3600",
            DefaultValueFactory = _ => 10,
        };
        ciliumDelay.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 3600)
            {
                result.AddError("--cilium-delay must be between 0 and 3600 seconds");
            }
        });
        var mode = new Option<string>("--mode")
        {
            Description = "the guard's Admission:Mode: off, warn, gate or deny",
            DefaultValueFactory = _ => "gate",
        };
        mode.AcceptOnlyFromAmong("off", "warn", "gate", "deny");
        var faults = new SandboxFaults();

        var command = new Command(
            "sandbox",
            "Run the embedded sandbox (an in-memory Kubernetes API server with a simulated cluster and a simulated Cilium) " +
            "and AdmissionGuard on it, with the shipped webhook configurations registered, until SIGTERM or Ctrl+C. " +
            "kubectl works with the written kubeconfig. The cluster starts empty (namespaces only) unless --seed. " +
            "The --fault-* options make the API server unhealthy for the guard once it is ready (kubectl is spared unless " +
            "--fault-everyone), to watch it ride that out: /readyz, admissionguard_cache_stale_seconds, its log. " +
            "Guard settings can be given as --Section:Key=value (e.g. --Reconciler:MinPodAge=00:00:05).")
        {
            kubeconfigOut,
            seed,
            nodes,
            ciliumDelay,
            mode,
        };
        foreach (var option in faults.Options)
        {
            command.Options.Add(option);
        }

        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (!ConfigurationArguments.TryCollect(parseResult, [], out var args, out var problem))
            {
                await error.WriteLineAsync($"admissionguard-playground sandbox: {problem}");
                return 2;
            }

            var options = new GuardOnSandboxOptions
            {
                Mode = parseResult.GetValue(mode)!,
                KubeconfigPath = Path.GetFullPath(parseResult.GetValue(kubeconfigOut)!),
                Settings = Settings(args),
                Simulation = new SimulationOptions { CiliumAgentStartupDelay = TimeSpan.FromSeconds(parseResult.GetValue(ciliumDelay)) },
                Logging = logging => logging.AddSimpleConsole(console => console.SingleLine = true).AddFilter("Microsoft", LogLevel.Warning)
                    // Readiness probes fail (at error level) until the caches have synced: expected while starting.
                    .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical),
            };
            try
            {
                return await RunAsync(options, parseResult.GetValue(seed) ? parseResult.GetValue(nodes) : 0, faults.Read(parseResult), output, cancellationToken);
            }
            catch (Exception e) when (SettingsFailures.Of(e) is { } failures)
            {
                await error.WriteLineAsync($"admissionguard-playground sandbox: invalid configuration: {string.Join("; ", failures)}");
                return 2;
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                // A setting that does not convert (e.g. --Reconciler:Interval=soon), or a guard that never got ready.
                await error.WriteLineAsync($"admissionguard-playground sandbox: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary><c>--Section:Key=value</c> arguments as a map; a key given twice keeps its last value, as configuration does.</summary>
    private static Dictionary<string, string> Settings(string[] args)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in args.Select(a => a[2..].Split('=', 2)))
        {
            settings[pair[0]] = pair[1];
        }

        return settings;
    }

    private static async Task<int> RunAsync(GuardOnSandboxOptions options, int seedNodes, FaultPlan? faults, TextWriter output, CancellationToken cancellationToken)
    {
        await using var playground = await GuardOnSandbox.StartAsync(options, cancellationToken);
        var guard = playground.Instances[0];
        output.WriteLine($"Sandbox API server  {playground.Sandbox.HttpsUrl} (kubeconfig {playground.KubeconfigPath})");
        output.WriteLine($"AdmissionGuard      {guard.Identity}, mode {options.Mode}: webhook {guard.Addresses.Webhook}, health and metrics {guard.Addresses.Health}");
        output.WriteLine($"Webhooks            mutating and validating webhook configurations 'admissionguard', service {ShippedWebhooks.Service} -> {playground.Sandbox.ServiceEndpoints[ShippedWebhooks.Service]}");
        if (seedNodes > 0)
        {
            var names = await SeedCluster.AddNodesAsync(playground.Cluster, 1, seedNodes, cancellationToken);
            await SeedCluster.InstallWorkloadsAsync(playground.Cluster, options.Simulation!.CiliumAgentStartupDelay, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Seeded              nodes {string.Join(", ", names)} (tainted); DaemonSets aws-node, ebs-csi-node, istio-cni-node; Cilium ready after {options.Simulation.CiliumAgentStartupDelay.TotalSeconds:0}s"));
        }

        if (faults is not null)
        {
            faults.ApplyTo(playground.Sandbox.Faults, options.GuardUser);
            output.WriteLine($"Faults              {faults.Describe()}");
        }

        output.WriteLine($"Ready. Try: kubectl --kubeconfig {playground.KubeconfigPath} get pods -A -o wide");
        output.WriteLine("Running until SIGTERM or Ctrl+C.");
        await output.FlushAsync(CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            output.WriteLine("Stopping.");
        }

        return 0;
    }
}
