using AdmissionGuard.Benchmarks.CommandLine;

namespace AdmissionGuard.Benchmarks.Healing;

/// <summary>The healing scenario's command line: <c>--nodes</c>, <c>--grace</c>, <c>--start</c>, <c>--concurrency</c>, <c>--plot</c>.</summary>
internal sealed record ScenarioOptions(int Nodes, TimeSpan Grace, TimeSpan Start, string Concurrency, string? Plot)
{
    /// <param name="args">The command line, the command's name first.</param>
    public static bool TryParse(string[] args, out ScenarioOptions options, out string error)
    {
        var given = CommandOptions.Parse(args[1..], ["--nodes", "--grace", "--start", "--concurrency", "--plot"], []);
        options = new ScenarioOptions(
            given.Whole("--nodes", 1, 5000, 20),
            TimeSpan.FromSeconds(given.Whole("--grace", 0, 3600, 30)),
            TimeSpan.FromSeconds(given.Whole("--start", 0, 3600, 10)),
            given.Text("--concurrency") ?? "OwnerBudget",
            given.Text("--plot"));
        error = given.Problem ?? "";
        return given.Problem is null;
    }
}
