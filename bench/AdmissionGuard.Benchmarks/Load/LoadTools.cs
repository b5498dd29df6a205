using System.Globalization;
using System.Text.RegularExpressions;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Benchmarks.Load;

/// <summary>wrk (throughput, keep-alive) and hey (latency at a fixed rate), run and read.</summary>
internal static partial class LoadTools
{
    public const int Threads = 2;
    public const int Connections = 4;

    private static readonly string[] Tools = ["wrk", "hey"];

    /// <summary>What is missing of wrk and hey, with how to install it; null when both are on PATH.</summary>
    public static string? Missing()
    {
        var missing = Tools.Where(tool => ExternalTool.Find(tool) is null).ToList();
        return missing.Count == 0 ? null : $"{string.Join(" and ", missing)} not on PATH: install with `apt-get install -y wrk hey` (Debian packages)";
    }

    /// <summary>A Lua script for wrk that POSTs <paramref name="review"/> as the apiserver does.</summary>
    public static string WriteScript(string directory, LoadPath path)
    {
        var file = System.IO.Path.Combine(directory, $"{path.Name}.lua");
        File.WriteAllText(file, $"""
            -- make load: POST one AdmissionReview ({path.What}), kept alive
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            wrk.body = [==[{path.Review}]==]
            """);
        File.WriteAllText(System.IO.Path.Combine(directory, $"{path.Name}.json"), path.Review);
        return file;
    }

    /// <summary>Requests per second of <c>wrk -t2 -c4</c> for <paramref name="duration"/>; a non-2xx answer or a socket error fails.</summary>
    public static async Task<double> WrkAsync(string script, Uri url, TimeSpan duration, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("wrk",
            ["-t", $"{Threads}", "-c", $"{Connections}", "-d", Seconds(duration), "-s", script, url.ToString()],
            duration + TimeSpan.FromSeconds(30), cancellationToken);
        var output = result.StandardOutput;
        if (!result.Succeeded || output.Contains("Non-2xx", StringComparison.Ordinal) || output.Contains("Socket errors", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wrk against {url} failed or got errors:\n{result.Output}");
        }

        return double.Parse(WrkRate().Match(output) is { Success: true } rate ? rate.Groups[1].Value : throw new InvalidOperationException($"no Requests/sec in wrk's output:\n{output}"), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The 99th percentile latency in milliseconds of <c>hey</c> at <paramref name="rate"/> requests per second in
    /// total (<see cref="Connections"/> workers of rate / connections each), for <paramref name="duration"/>.
    /// </summary>
    public static async Task<double> HeyP99Async(string body, Uri url, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("hey",
            ["-z", Seconds(duration), "-c", $"{Connections}", "-q", $"{rate / Connections}", "-m", "POST", "-T", "application/json", "-D", body, url.ToString()],
            duration + TimeSpan.FromSeconds(30), cancellationToken);
        var output = result.StandardOutput;
        var statuses = HeyStatus().Matches(output).Select(m => m.Groups[1].Value).ToList();
        if (!result.Succeeded || statuses is not ["200"] || output.Contains("Error distribution", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"hey against {url} failed or got errors:\n{result.Output}");
        }

        return double.Parse(HeyP99().Match(output) is { Success: true } p99 ? p99.Groups[1].Value : throw new InvalidOperationException($"no 99% line in hey's output:\n{output}"), CultureInfo.InvariantCulture) * 1000;
    }

    private static string Seconds(TimeSpan duration) => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalSeconds}s");

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex WrkRate();

    [GeneratedRegex(@"99%+ in ([0-9.]+) secs")]
    private static partial Regex HeyP99();

    [GeneratedRegex(@"\[(\d{3})\]\s+\d+ responses")]
    private static partial Regex HeyStatus();
}
