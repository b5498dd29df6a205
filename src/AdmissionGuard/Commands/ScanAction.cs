using System.CommandLine;
using System.CommandLine.Invocation;

namespace AdmissionGuard.Commands;

/// <summary>
/// Runs <c>scan</c>. It reports bad arguments itself, with exit code <see cref="Failed"/>: System.CommandLine's own
/// parse-error handling exits with 1, which <c>scan</c> reserves for "unmanaged pods found", so a typo in a CI job
/// would read as a finding.
/// </summary>
internal sealed class ScanAction(Option<string> output, Option<TimeSpan?> timeout, IReadOnlyList<SettingOption> settings)
    : AsynchronousCommandLineAction
{
    /// <summary>Bad arguments or configuration, or the cluster could not be read.</summary>
    public const int Failed = 2;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // Keeps the option errors in ParseResult.Errors but lets this action run, so it can report them with its exit code.
    public override bool ClearsParseErrors => true;

    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var stderr = parseResult.InvocationConfiguration.Error;
        if (await ConfigurationArguments.CollectOrReportAsync(parseResult, settings, "admissionguard scan", "admissionguard scan --help") is not { } args)
        {
            return Failed;
        }

        var limit = parseResult.GetValue(timeout) ?? DefaultTimeout;
        if (limit <= TimeSpan.Zero)
        {
            await stderr.WriteLineAsync("admissionguard scan: --timeout must be longer than 0");
            return Failed;
        }

        var format = parseResult.GetValue(output) == "json" ? ScanOutputFormat.Json : ScanOutputFormat.Table;
        return await ClusterScan.RunAsync(args, format, limit, parseResult.InvocationConfiguration.Output, stderr, cancellationToken);
    }
}
