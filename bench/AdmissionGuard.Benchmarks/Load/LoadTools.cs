using System.Globalization;
using System.Text.RegularExpressions;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Benchmarks.Load;

/// <summary>wrk (throughput, keep-alive) and hey (latency at a fixed rate), run and read.</summary>
internal static partial class LoadTools
{
    public const int Threads = 2;
    public const int Connections = 4;

    /// <summary>
    /// hey at a fixed rate must have had this share of its requests answered. hey drops the ticks it misses, so one
    /// 100 ms stall of this machine costs a 2 s run 5% of its requests without any request failing.
    /// </summary>
    public const double LeastAnsweredShare = 0.9;

    private const string HeyCsvHeader = "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset";

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
    /// The latency in milliseconds of every request <c>hey</c> sends at <paramref name="rate"/> requests per second in
    /// total (<see cref="Connections"/> workers of rate / connections each) for <paramref name="duration"/>, read from
    /// its CSV output, leaving out each connection's first request: it carries the TCP and TLS handshakes (10-13 ms
    /// here), which the apiserver's kept-alive connections to a webhook do not pay per request, and in short runs they
    /// would be a fixed share of the tail. hey's CSV leaves failed requests out, so a run that answered fewer than
    /// <see cref="LeastAnsweredShare"/> of the requests the rate asks for, or anything but 200, fails.
    /// </summary>
    public static async Task<double[]> HeyLatenciesAsync(string body, Uri url, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("hey",
            ["-z", Seconds(duration), "-c", $"{Connections}", "-q", $"{rate / Connections}", "-m", "POST", "-T", "application/json", "-D", body, "-o", "csv", url.ToString()],
            duration + TimeSpan.FromSeconds(30), cancellationToken);
        var rows = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!result.Succeeded || rows is not [HeyCsvHeader, ..])
        {
            throw new InvalidOperationException($"hey against {url} failed:\n{result.Output}");
        }

        var latencies = new List<double>(rows.Length);
        foreach (var row in rows.Skip(1))
        {
            // response-time, DNS+dialup, DNS, request-write, response-delay, response-read (seconds), status-code, offset
            var columns = row.Split(',');
            if (columns.Length != 8 || columns[6] != "200"
                || !double.TryParse(columns[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                || !double.TryParse(columns[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var dialing))
            {
                throw new InvalidOperationException($"hey against {url}: an answer other than 200, or a row not understood: '{row}'");
            }

            if (dialing == 0)
            {
                latencies.Add(seconds * 1000);
            }
        }

        var asked = rate / Connections * Connections * duration.TotalSeconds;
        return rows.Length - 1 >= LeastAnsweredShare * asked
            ? [.. latencies]
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"hey against {url} got {rows.Length - 1} answers of the {asked:F0} the rate asks for: requests failed (hey's CSV leaves them out) or the server fell behind the rate"));
    }

    /// <summary>The nearest-rank percentile (0 &lt; <paramref name="fraction"/> &lt;= 1) of <paramref name="values"/>.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
    }

    private static string Seconds(TimeSpan duration) => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalSeconds}s");

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex WrkRate();
}
