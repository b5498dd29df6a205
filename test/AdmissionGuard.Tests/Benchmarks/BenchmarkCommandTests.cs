using System.Globalization;
using System.Text.RegularExpressions;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Benchmarks;

/// <summary>
/// <c>scale-scenario</c> and <c>load</c> run end to end, as a user runs them (the benchmarks' own process, the guard's
/// <c>serve</c> in another), at the smallest size that still goes through every step: the figures they print are only
/// worth something if the commands that print them work.
/// </summary>
public sealed partial class BenchmarkCommandTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private static readonly string Benchmarks = Beside("AdmissionGuard.Benchmarks.dll");
    private static readonly string Guard = Beside("admissionguard.dll");

    [Fact]
    public async Task Scale_scenario_starts_the_guard_on_a_seeded_sandbox_and_reports_its_memory_start_up_and_cycles()
    {
        var result = await RunAsync("scale-scenario", "--pods", "300", "--nodes", "10", "--cycles", "1", "--interval", "1", "--guard", Guard);

        result.ExitCode.Should().Be(0, result.Output);
        result.StandardOutput.Should().Contain("| pods + CiliumEndpoints / nodes | 300 + 300 / 10 |")
            .And.Contain("| RSS after 1 reconcile cycles |");
        var last = ScaleLine().Match(LastLine(result));
        last.Success.Should().BeTrue($"the last line reports the figures:\n{result.Output}");
        Number(last, "rss").Should().BeInRange(20, 384, "a guard's resident set at 300 pods, within the manifest's 384Mi limit");
        Number(last, "cpu").Should().BeGreaterThan(0, "starting the guard costs CPU");
        Number(last, "cycle").Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task Load_holds_the_guard_against_the_bare_endpoint_on_every_path_and_reports_the_ratios()
    {
        ExternalTool.FindOrSkip("wrk", "apt-get install -y wrk");
        ExternalTool.FindOrSkip("hey", "apt-get install -y hey");

        var result = await RunAsync("load", "--seconds", "1", "--warmup", "1", "--rate", "100", "--guard", Guard, "--baseline", Beside("AdmissionGuard.LoadBaseline.dll"));

        result.ExitCode.Should().Be(0, result.Output);
        result.StandardOutput.Should().Contain("1 s of warm-up, then 1 runs of 1 s")
            .And.Contain("| gate: ").And.Contain("| warn: ").And.Contain("| binding: ")
            .And.NotContain("a server exited");
        var last = LoadLine().Match(LastLine(result));
        last.Success.Should().BeTrue($"the last line reports the ratios:\n{result.Output}");
        foreach (var ratio in new[] { "gate", "warn", "binding", "p99" })
        {
            // Both servers answered every path: a ratio of 0 or of many times over would mean one side measured nothing.
            Number(last, ratio).Should().BeInRange(0.05, 20, $"{ratio}'s ratio is guard / baseline of two measured figures:\n{result.Output}");
        }
    }

    [Theory]
    [InlineData("scale-scenario: --guard /nonexistent/admissionguard.dll: no such file", "scale-scenario", "--guard", "/nonexistent/admissionguard.dll")]
    [InlineData("fuzz: REQUESTS takes a whole number of at least 1 and SEED one of at least 0, not '0 1'", "fuzz", "0", "1")]
    [InlineData("load: --baseline is required", "load", "--guard", "admissionguard.dll")]
    [InlineData("load: --warmup takes a whole number from 0 to 3600, not '-1'", "load", "--guard", "admissionguard.dll", "--baseline", "admissionguard.dll", "--warmup", "-1")]
    public async Task A_command_line_it_cannot_run_is_refused_in_one_line_before_anything_starts(string problem, params string[] args)
    {
        var result = await RunAsync([.. args.Select(arg => arg == "admissionguard.dll" ? Guard : arg)]);

        result.ExitCode.Should().Be(2, result.Output);
        result.StandardError.Should().StartWith(problem, result.Output);
        result.StandardOutput.Should().BeEmpty("nothing was started or measured");
    }

    private static Task<ProcessResult> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Benchmarks, .. args], CommandTimeout, TestContext.Current.CancellationToken);

    private static string Beside(string file) => Path.Combine(AppContext.BaseDirectory, file);

    private static string LastLine(ProcessResult result) =>
        result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    private static double Number(Match match, string group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^scale: pods=300 rss_mb=(?<rss>\d+) ready_cpu_s=(?<cpu>\d+\.\d) cycle_ms=(?<cycle>\d+)$")]
    private static partial Regex ScaleLine();

    [GeneratedRegex(@"^load: gate=(?<gate>\d+\.\d\d) warn=(?<warn>\d+\.\d\d) binding=(?<binding>\d+\.\d\d) p99_ratio=(?<p99>\d+\.\d\d)$")]
    private static partial Regex LoadLine();
}
