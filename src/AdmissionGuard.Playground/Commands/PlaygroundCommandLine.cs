using System.CommandLine;

namespace AdmissionGuard.Playground.Commands;

/// <summary>
/// The <c>admissionguard-playground</c> command line: AdmissionGuard on the embedded sandbox, for trying it out. The
/// product's own commands (<c>serve</c>, <c>scan</c>) live in <c>admissionguard</c>.
/// </summary>
internal static class PlaygroundCommandLine
{
    public static RootCommand Create() =>
        new("AdmissionGuard's playground: the guard, composed as 'admissionguard serve' composes it, on an in-memory " +
            "Kubernetes API server with a simulated cluster and a simulated Cilium. 'demo' plays the Cilium story " +
            "(make run); 'sandbox' keeps the cluster up for kubectl (make sandbox-up).")
        {
            DemoCommand.Create(),
            SandboxCommand.Create(),
        };
}
