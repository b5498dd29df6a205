using System.CommandLine;

namespace AdmissionGuard.Commands;

/// <summary>The <c>admissionguard</c> command line: its commands and the settings they share.</summary>
internal static class GuardCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "AdmissionGuard keeps pods off nodes whose Cilium agent is not ready (taint node.cilium.io/agent-not-ready) " +
            "and heals pods that slipped through. Without a command it runs 'serve'. " + ServeCommand.SettingsHelp);
        ServeCommand.AddTo(root);
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ScanCommand.Create());
        return root;
    }
}
