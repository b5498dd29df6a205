using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AdmissionGuard.Benchmarks.Admission;
using AdmissionGuard.Benchmarks.CommandLine;
using AdmissionGuard.Sandbox;
using AdmissionGuard.Tests.Support;
using k8s.Models;

namespace AdmissionGuard.Benchmarks.Load;

/// <summary>
/// <c>make load</c>: the guard as a separate <c>serve</c> process (the product, logging as shipped) on the sandbox with
/// 1,000 nodes (100 tainted), against a bare Kestrel HTTPS endpoint (<c>bench/AdmissionGuard.LoadBaseline</c>) with the
/// same certificate and TLS profile. The guard's metrics are scraped once before measuring, as in a cluster (see
/// <c>ScrapeAsync</c>). wrk -t2 -c4 (keep-alive) measures throughput, then hey at a fixed rate the p99 of
/// both; each path gets the same measured time on both sides, in short slices that alternate between the two (ABBA),
/// so that the machine's drift, which on shared cores moves either server's figures by tens of percent from one ten
/// seconds to the next, falls on both alike. The last line is
/// <c>load: gate=&lt;ratio&gt; warn=&lt;ratio&gt; binding=&lt;ratio&gt; p99_ratio=&lt;ratio&gt;</c> (guard / baseline; p99_ratio is the
/// worst path's).
/// </summary>
internal static class LoadCommand
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private const string BuiltBy = "make load builds both servers";

    internal const string Usage =
        "usage: load --guard DLL --baseline DLL [--seconds 30] [--slice 2] [--warmup 3] [--rate 1000] [--guard-env NAME=VALUE]...\n" +
        "  --seconds    measured seconds per path and side, for wrk and for hey each\n" +
        "  --slice      seconds of one run of wrk or hey; the runs alternate between baseline and guard\n" +
        "  --warmup     seconds of wrk per path and side before measuring, for the JIT and the caches (0: none)\n" +
        "  --rate       hey's requests per second, over 4 connections\n" +
        "  --guard-env  a variable for the guard's environment only (repeatable), e.g. to compare runtime settings";

    /// <summary><c>load --guard DLL --baseline DLL [--seconds 30] [--slice 2] [--warmup 3] [--rate 1000] [--guard-env NAME=VALUE]...</c></summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var given = CommandOptions.Parse(args[1..], ["--guard", "--baseline", "--seconds", "--slice", "--warmup", "--rate", "--guard-env"], []);
        var guardDll = given.ExistingFile("--guard", BuiltBy) ?? given.Required("--guard");
        var baselineDll = given.ExistingFile("--baseline", BuiltBy) ?? given.Required("--baseline");
        var seconds = given.Whole("--seconds", 1, 36_000, 30);
        // A one-second run (a smoke test) gets one-second slices unless told otherwise.
        var slice = given.Whole("--slice", 1, 3600, seconds == 1 ? 1 : 2);
        if (slice > seconds)
        {
            given.Refuse($"--slice ({slice} s) must not be longer than --seconds ({seconds} s)");
        }

        var warmup = TimeSpan.FromSeconds(given.Whole("--warmup", 0, 3600, 3));
        var rate = given.Whole("--rate", LoadTools.Connections, 1_000_000, 1000);
        var guardEnvironment = given.NameValues("--guard-env");
        if (given.Problem is { } problem)
        {
            await Console.Error.WriteLineAsync($"load: {problem}\n{Usage}");
            return 2;
        }

        if (LoadTools.Missing() is { } missing)
        {
            await Console.Error.WriteLineAsync($"load: {missing}");
            return 2;
        }

        using var stop = new StopSignals();
        try
        {
            // Whole slices: a remainder would give the last run a different length from the others.
            var slices = seconds / slice;
            return await MeasureAsync(guardDll, baselineDll, guardEnvironment, warmup, TimeSpan.FromSeconds(slice), slices, rate, stop.Token);
        }
        catch (OperationCanceledException) when (stop.Received)
        {
            await Console.Error.WriteLineAsync("load: stopped by a signal; nothing measured to the end");
            return 130;
        }
        catch (InvalidOperationException e)
        {
            // A server that would not start or answer, or a wrk or hey run that failed: what happened, not a stack trace.
            await Console.Error.WriteLineAsync($"load: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> MeasureAsync(
        string guardDll, string baselineDll, Dictionary<string, string> guardEnvironment, TimeSpan warmup, TimeSpan slice, int slices, int rate, CancellationToken cancellationToken)
    {
        using var directory = new TempDirectory();
        var thumbprint = TestCertificates.WriteNew(directory.File("tls.crt"), directory.File("tls.key"));
        var loadAtStart = LoadAverage();
        var clock = Stopwatch.StartNew();

        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { KubeconfigPath = directory.File("kubeconfig") }, cancellationToken);
        var podUid = await FillAsync(sandbox, cancellationToken);
        LoadPath[] paths =
        [
            new("gate", "/mutate-pods", AdmissionCluster.GateReview(), "\"patchType\":\"JSONPatch\"", "DaemonSet pod pinned to a tainted node: gate patch"),
            new("warn", "/mutate-pods", AdmissionCluster.WarnReview(), "\"warnings\":[\"node ", "unpinned pod tolerating everything: warning (100 tainted nodes looked at)"),
            new("binding", "/validate-pods", AdmissionCluster.BindingReview(podUid), "\"allowed\":false", "pods/binding onto a tainted node: denied"),
        ];

        if (guardEnvironment.Count > 0)
        {
            // Not the shipped settings: the figures below are for this environment.
            Console.WriteLine($"guard environment: {string.Join(' ', guardEnvironment.Select(e => $"{e.Key}={e.Value}"))}");
        }

        var (guardPort, guardMetricsPort, baselinePort) = (FreePort(), FreePort(), FreePort());
        await using var guard = ProcessRunner.Start("dotnet",
        [
            guardDll, "serve", "--kubeconfig", sandbox.KubeconfigPath, "--cert-file", directory.File("tls.crt"), "--key-file", directory.File("tls.key"),
            "--port", $"{guardPort}", "--metrics-port", $"{guardMetricsPort}",
        ], environment: guardEnvironment);
        await using var baseline = ProcessRunner.Start("dotnet",
            [baselineDll, "--Port", $"{baselinePort}", "--CertFile", directory.File("tls.crt"), "--KeyFile", directory.File("tls.key")]);
        var guardUrl = new Uri($"https://127.0.0.1:{guardPort}");
        var baselineUrl = new Uri($"https://127.0.0.1:{baselinePort}");
        await WaitUntilAnsweringAsync(guard, guardUrl, thumbprint, paths, cancellationToken);
        await WaitUntilAnsweringAsync(baseline, baselineUrl, thumbprint, [], cancellationToken);
        await ScrapeAsync(new Uri($"http://127.0.0.1:{guardMetricsPort}/metrics"), cancellationToken);
        var startup = clock.Elapsed;

        var scripts = paths.ToDictionary(p => p.Name, p => LoadTools.WriteScript(directory.Path, p));
        foreach (var path in warmup > TimeSpan.Zero ? paths : [])
        {
            await LoadTools.WrkAsync(scripts[path.Name], new Uri(baselineUrl, path.Path), warmup, cancellationToken);
            await LoadTools.WrkAsync(scripts[path.Name], new Uri(guardUrl, path.Path), warmup, cancellationToken);
        }

        // What each side's process spends per request under wrk: the work a request costs, which the tail at a fixed
        // rate pays for on shared cores, and a steadier figure than either rate or tail.
        var cpu = paths.ToDictionary(p => p.Name, _ => (Baseline: new List<double>(), Guard: new List<double>()));
        var throughput = await AlternateAsync(paths, slices, baselineUrl, guardUrl, "wrk", Throughput,
            async (path, url, isGuard) =>
            {
                var pid = isGuard ? guard.Id : baseline.Id;
                var before = ProcessCpu.Seconds(pid);
                var rate = await LoadTools.WrkAsync(scripts[path.Name], url, slice, cancellationToken);
                var microseconds = (ProcessCpu.Seconds(pid) - before) / (rate * slice.TotalSeconds) * 1e6;
                (isGuard ? cpu[path.Name].Guard : cpu[path.Name].Baseline).Add(microseconds);
                return [rate];
            });
        // Every request of every slice counts: one slice's p99 is its 20th slowest request.
        var latencies = await AlternateAsync(paths, slices, baselineUrl, guardUrl, "hey", Latency,
            (path, url, _) => LoadTools.HeyLatenciesAsync(directory.File($"{path.Name}.json"), url, rate, slice, cancellationToken));
        Report(paths, throughput, cpu, latencies, warmup, slice, slices, rate, startup, loadAtStart, LoadAverage(), guard.HasExited || baseline.HasExited);
        return 0;
    }

    /// <summary>
    /// Measures every path <paramref name="slices"/> times against the baseline and the guard, alternating, the guard
    /// first in every other pair (ABBA), so that drift in the machine's load is shared; collects what each run returns
    /// and prints one line per path with both sides.
    /// </summary>
    private static async Task<Dictionary<string, (List<double> Baseline, List<double> Guard)>> AlternateAsync(
        LoadPath[] paths, int slices, Uri baselineUrl, Uri guardUrl, string tool, Func<List<double>, string> describe, Func<LoadPath, Uri, bool, Task<double[]>> measure)
    {
        var figures = paths.ToDictionary(p => p.Name, _ => (Baseline: new List<double>(), Guard: new List<double>()));
        foreach (var path in paths)
        {
            for (var run = 0; run < slices; run++)
            {
                foreach (var isGuard in run % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var figure = await measure(path, new Uri(isGuard ? guardUrl : baselineUrl, path.Path), isGuard);
                    (isGuard ? figures[path.Name].Guard : figures[path.Name].Baseline).AddRange(figure);
                }
            }

            var (baseline, guard) = figures[path.Name];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {tool} {path.Name,-7} baseline {describe(baseline)}   guard {describe(guard)}"));
        }

        return figures;
    }

    private static string Throughput(List<double> rates) =>
        string.Create(CultureInfo.InvariantCulture, $"{rates.Average(),6:F0} req/s (runs {Range(rates)})");

    private static string Latency(List<double> latencies) =>
        string.Create(CultureInfo.InvariantCulture, $"p99 {LoadTools.Percentile(latencies, 0.99):F1} ms over {latencies.Count} requests");

    /// <summary>The namespaces, the 1,000 nodes of <see cref="AdmissionCluster"/> and the unscheduled pod the binding names; returns its uid.</summary>
    private static async Task<string> FillAsync(SandboxServer sandbox, CancellationToken cancellationToken)
    {
        var api = sandbox.Api;
        await api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "admissionguard-system" } }, cancellationToken: cancellationToken);
        foreach (var node in AdmissionCluster.NodeObjects())
        {
            await api.CreateAsync(node, cancellationToken: cancellationToken);
        }

        var pod = await api.CreateAsync(AdmissionCluster.UnpinnedPod(tolerateEverything: true), cancellationToken: cancellationToken);
        return pod.Metadata.Uid;
    }

    /// <summary>
    /// Scrapes the guard's metrics once, as a cluster's Prometheus does from the guard's start: prometheus-net listens
    /// to the .NET meters only from the first scrape on, so without it the guard would be measured without their cost.
    /// </summary>
    private static async Task ScrapeAsync(Uri metrics, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync(metrics, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{metrics} answered {(int)response.StatusCode}");
        }
    }

    /// <summary>
    /// Waits until <paramref name="server"/> answers HTTPS and, for each of <paramref name="paths"/>, answers with what
    /// that path must decide (the guard gates only once it leads and its cache sees its Lease).
    /// </summary>
    private static async Task WaitUntilAnsweringAsync(BackgroundProcess server, Uri url, string thumbprint, LoadPath[] paths, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 served && served.Thumbprint == thumbprint },
        })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        var deadline = Stopwatch.StartNew();
        var pending = paths.Length == 0 ? [new LoadPath("any", "/mutate-pods", AdmissionCluster.GateReview(), "\"allowed\":true", "")] : paths.ToList();
        var last = "";
        while (pending.Count > 0)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the server for {url} exited before answering as expected\n{server.Output}");
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"{url} did not answer as expected within {StartTimeout.TotalSeconds:F0} s (last: {last})\n{server.Output}");
            }

            var path = pending[0];
            try
            {
                using var content = new StringContent(path.Review, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(new Uri(url, path.Path), content, cancellationToken);
                last = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && last.Contains(path.ExpectedInAnswer, StringComparison.Ordinal))
                {
                    pending.RemoveAt(0);
                    continue;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                last = e.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private static void Report(
        LoadPath[] paths,
        Dictionary<string, (List<double> Baseline, List<double> Guard)> throughput,
        Dictionary<string, (List<double> Baseline, List<double> Guard)> cpu,
        Dictionary<string, (List<double> Baseline, List<double> Guard)> latencies,
        TimeSpan warmup,
        TimeSpan slice,
        int slices,
        int rate,
        TimeSpan startup,
        string loadAtStart,
        string loadAtEnd,
        bool aServerExited)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"guard (serve, 1,000 nodes, 100 tainted) vs bare Kestrel, HTTPS; per path and side {warmup.TotalSeconds:F0} s of warm-up, then {slices} runs of {slice.TotalSeconds:F0} s, alternating: wrk -t{LoadTools.Threads} -c{LoadTools.Connections}, then hey -c {LoadTools.Connections} -q {rate / LoadTools.Connections} ({rate} req/s)"));
        Console.WriteLine(string.Create(c, $"load average {loadAtStart} at the start, {loadAtEnd} at the end ({Environment.ProcessorCount} cores); set-up {startup.TotalSeconds:F0} s"));
        Console.WriteLine();
        Console.WriteLine("| path | baseline req/s (runs) | guard req/s (runs) | ratio | CPU per request under wrk, baseline / guard | baseline p50 / p99 ms | guard p50 / p99 ms | p99 ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var ratios = new Dictionary<string, double>();
        var p99Ratios = new Dictionary<string, double>();
        foreach (var path in paths)
        {
            var (baseline, guard) = throughput[path.Name];
            var (baselineLatencies, guardLatencies) = latencies[path.Name];
            var (baselineP99, guardP99) = (LoadTools.Percentile(baselineLatencies, 0.99), LoadTools.Percentile(guardLatencies, 0.99));
            ratios[path.Name] = guard.Average() / baseline.Average();
            p99Ratios[path.Name] = guardP99 / baselineP99;
            Console.WriteLine(string.Create(c,
                $"| {path.Name}: {path.What} | {baseline.Average():F0} ({Range(baseline)}) | {guard.Average():F0} ({Range(guard)}) | {ratios[path.Name]:F2} | {cpu[path.Name].Baseline.Average():F0} / {cpu[path.Name].Guard.Average():F0} us | {LoadTools.Percentile(baselineLatencies, 0.5):F1} / {baselineP99:F1} | {LoadTools.Percentile(guardLatencies, 0.5):F1} / {guardP99:F1} | {p99Ratios[path.Name]:F2} |"));
        }

        if (aServerExited)
        {
            Console.WriteLine("a server exited during the run: the figures are not valid");
        }

        Console.WriteLine(string.Create(c, $"load: gate={ratios["gate"]:F2} warn={ratios["warn"]:F2} binding={ratios["binding"]:F2} p99_ratio={p99Ratios.Values.Max():F2}"));
    }

    private static string Range(List<double> values) => string.Create(CultureInfo.InvariantCulture, $"{values.Min():F0}-{values.Max():F0}");

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
