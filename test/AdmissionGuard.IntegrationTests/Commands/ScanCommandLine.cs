using System.CommandLine;
using AdmissionGuard.Commands;

namespace AdmissionGuard.IntegrationTests.Commands;

/// <summary>Runs the <c>admissionguard</c> command line in process and captures what it prints.</summary>
internal static class ScanCommandLine
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await GuardCommandLine.Create().Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }
}
