using System.CommandLine;
using System.Globalization;
using AdmissionGuard.Commands;
using AdmissionGuard.Playground.Demo;

namespace AdmissionGuard.Playground.Commands;

/// <summary><c>demo</c>: the Cilium story on the embedded sandbox, as a timeline and a summary (what <c>make run</c> shows).</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var mode = new Option<string>("--mode")
        {
            Description = "the guard's Admission:Mode: off, warn, gate or deny",
            DefaultValueFactory = _ => "gate",
        };
        mode.AcceptOnlyFromAmong("off", "warn", "gate", "deny");
        var nodes = new Option<int>("--nodes")
        {
            Description = string.Create(CultureInfo.InvariantCulture, $"nodes before the guard is installed, 1 to {DemoSettings.MaxNodes}; one more joins afterwards"),
            DefaultValueFactory = _ => 2,
        };
        nodes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > DemoSettings.MaxNodes)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"--nodes must be between 1 and {DemoSettings.MaxNodes}"));
            }
        });
        var timeout = new Option<int>("--timeout")
        {
            Description = "seconds to wait for every pod to be managed by Cilium before giving up",
            DefaultValueFactory = _ => 60,
        };
        timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 3600)
            {
                result.AddError("--timeout must be between 1 and 3600 seconds");
            }
        });

        var command = new Command(
            "demo",
            "Play the Cilium story on the embedded sandbox, no cluster needed: nodes start tainted " +
            "node.cilium.io/agent-not-ready, DaemonSets with blanket tolerations (ebs-csi-node, istio-cni-node) start " +
            "before the slow Cilium agent is ready, so Cilium never manages them; then AdmissionGuard is installed, " +
            "restarts those pods, and holds the DaemonSet pods of a node that joins later with a scheduling gate until " +
            "its agent is ready. Prints a timeline (seconds since start) and a summary; exits 0 when every pod that " +
            "needs the CNI ends up managed by Cilium, 1 otherwise (with the reason).")
        {
            mode,
            nodes,
            timeout,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new DemoSettings(parseResult.GetValue(mode)!, parseResult.GetValue(nodes), TimeSpan.FromSeconds(parseResult.GetValue(timeout)));
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine($"AdmissionGuard demo on the embedded sandbox (mode {settings.Mode}); times are seconds since start.");
            output.WriteLine();
            return await DemoStory.RunAsync(settings, output, cancellationToken);
        });
        return command;
    }
}
