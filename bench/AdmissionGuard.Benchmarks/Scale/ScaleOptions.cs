using AdmissionGuard.Benchmarks.CommandLine;

namespace AdmissionGuard.Benchmarks.Scale;

/// <summary>
/// The scale scenario's command line: <c>--pods</c>, <c>--nodes</c>, <c>--cycles</c>, <c>--interval</c>, <c>--no-build</c> or
/// <c>--guard DLL</c> (a guard built elsewhere, run instead of building <c>src/AdmissionGuard</c> in Release),
/// <c>--guard-env NAME=VALUE</c> (repeatable) for the guard's environment, e.g. to compare GC settings, and
/// <c>--reviews C</c> / <c>--review-seconds S</c> for the webhook's worst case (C clients posting 3 MiB reviews).
/// </summary>
internal sealed record ScaleOptions(int Pods, int Nodes, int Cycles, TimeSpan Interval, bool Build, IReadOnlyDictionary<string, string> GuardEnvironment)
{
    /// <summary>Concurrent clients posting 3 MiB reviews after the cycles; 0 = none.</summary>
    public int Reviews { get; init; }

    public TimeSpan ReviewDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The guard's entry assembly to run; null: <c>src/AdmissionGuard</c>'s Release build.</summary>
    public string? GuardDll { get; init; }

    /// <param name="args">The command line, the command's name first.</param>
    public static bool TryParse(string[] args, out ScaleOptions options, out string error)
    {
        var given = CommandOptions.Parse(
            args[1..], ["--pods", "--nodes", "--cycles", "--interval", "--reviews", "--review-seconds", "--guard", "--guard-env"], ["--no-build"]);
        options = new ScaleOptions(
            given.Whole("--pods", 0, 1_000_000, 50_000),
            given.Whole("--nodes", 1, 100_000, 1_000),
            given.Whole("--cycles", 1, 100, 3),
            TimeSpan.FromSeconds(given.Whole("--interval", 1, 3600, 5)),
            Build: !given.Has("--no-build"),
            given.NameValues("--guard-env"))
        {
            Reviews = given.Whole("--reviews", 0, 10_000, 0),
            ReviewDuration = TimeSpan.FromSeconds(given.Whole("--review-seconds", 1, 3600, 30)),
            GuardDll = given.ExistingFile("--guard", "the guard's admissionguard.dll, as dotnet build puts it in bin/<configuration>/net10.0"),
        };
        error = given.Problem ?? "";
        return given.Problem is null;
    }
}
