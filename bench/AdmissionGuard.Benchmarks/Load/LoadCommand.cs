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
using static AdmissionGuard.Benchmarks.CommandLine.OptionValues;

namespace AdmissionGuard.Benchmarks.Load;

/// <summary>
/// <c>make load</c>: the guard as a separate <c>serve</c> process (the product, logging as shipped) on the sandbox with
/// 1,000 nodes (100 tainted), against a bare Kestrel HTTPS endpoint (<c>bench/AdmissionGuard.LoadBaseline</c>) with the
/// same certificate and TLS profile. wrk -t2 -c4 (keep-alive) alternates between the two, rounds x paths; then hey at
/// a fixed rate gives the p99 of both, alternating the same way (over every request of the rounds). The last line is
/// <c>load: gate=&lt;ratio&gt; warn=&lt;ratio&gt; binding=&lt;ratio&gt; p99_ratio=&lt;ratio&gt;</c> (guard / baseline; p99_ratio is the
/// worst path's).
/// </summary>
internal static class LoadCommand
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);

    internal const string Usage = "usage: load --guard DLL --baseline DLL [--seconds 10] [--rounds 3] [--rate 1000]";

    /// <summary><c>load --guard DLL --baseline DLL [--seconds 10] [--rounds 3] [--rate 1000]</c></summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var guardDll = Argument(args, "--guard");
        var baselineDll = Argument(args, "--baseline");
        var seconds = Whole(Argument(args, "--seconds") ?? "10", 1, 3600);
        var rounds = Whole(Argument(args, "--rounds") ?? "3", 1, 100);
        var rate = Whole(Argument(args, "--rate") ?? "1000", LoadTools.Connections, 1_000_000);
        if (guardDll is null || baselineDll is null || seconds is null || rounds is null || rate is null)
        {
            await Console.Error.WriteLineAsync(
                $"load: --guard and --baseline are required; --seconds (1-3600), --rounds (1-100) and --rate ({LoadTools.Connections}-1000000, requests per second over {LoadTools.Connections} connections) take whole numbers\n{Usage}");
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
            return await MeasureAsync(guardDll, baselineDll, TimeSpan.FromSeconds(seconds.Value), rounds.Value, rate.Value, stop.Token);
        }
        catch (OperationCanceledException) when (stop.Received)
        {
            await Console.Error.WriteLineAsync("load: stopped by a signal; nothing measured to the end");
            return 130;
        }
    }

    private static async Task<int> MeasureAsync(string guardDll, string baselineDll, TimeSpan seconds, int rounds, int rate, CancellationToken cancellationToken)
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

        var (guardPort, guardMetricsPort, baselinePort) = (FreePort(), FreePort(), FreePort());
        await using var guard = ProcessRunner.Start("dotnet",
        [
            guardDll, "serve", "--kubeconfig", sandbox.KubeconfigPath, "--cert-file", directory.File("tls.crt"), "--key-file", directory.File("tls.key"),
            "--port", $"{guardPort}", "--metrics-port", $"{guardMetricsPort}",
        ]);
        await using var baseline = ProcessRunner.Start("dotnet",
            [baselineDll, "--Port", $"{baselinePort}", "--CertFile", directory.File("tls.crt"), "--KeyFile", directory.File("tls.key")]);
        var guardUrl = new Uri($"https://127.0.0.1:{guardPort}");
        var baselineUrl = new Uri($"https://127.0.0.1:{baselinePort}");
        await WaitUntilAnsweringAsync(guard, guardUrl, thumbprint, paths, cancellationToken);
        await WaitUntilAnsweringAsync(baseline, baselineUrl, thumbprint, [], cancellationToken);
        var startup = clock.Elapsed;

        var scripts = paths.ToDictionary(p => p.Name, p => LoadTools.WriteScript(directory.Path, p));
        foreach (var path in paths)
        {
            await LoadTools.WrkAsync(scripts[path.Name], new Uri(baselineUrl, path.Path), Warmup, cancellationToken);
            await LoadTools.WrkAsync(scripts[path.Name], new Uri(guardUrl, path.Path), Warmup, cancellationToken);
        }

        var throughput = await AlternateAsync(paths, rounds, baselineUrl, guardUrl, "req/s",
            (path, url, _) => LoadTools.WrkAsync(scripts[path.Name], url, seconds, cancellationToken));
        // The p99s alternate the same way and count over every request of the rounds: a single round's p99 is its
        // 100th slowest request, and one scheduling hiccup on a shared machine moves it by a millisecond.
        var everyLatency = paths.ToDictionary(p => p.Name, _ => (Baseline: new List<double>(), Guard: new List<double>()));
        var roundP99s = await AlternateAsync(paths, rounds, baselineUrl, guardUrl, $"ms p99 at {rate} req/s", async (path, url, isGuard) =>
        {
            var round = await LoadTools.HeyLatenciesAsync(directory.File($"{path.Name}.json"), url, rate, seconds, cancellationToken);
            (isGuard ? everyLatency[path.Name].Guard : everyLatency[path.Name].Baseline).AddRange(round);
            return LoadTools.Percentile(round, 0.99);
        });
        Report(paths, throughput, roundP99s, everyLatency, seconds, rounds, rate, startup, loadAtStart, LoadAverage(), guard.HasExited || baseline.HasExited);
        return 0;
    }

    /// <summary>
    /// Measures every path against the baseline and the guard, alternating, in the opposite order every other round so
    /// that drift in the machine's load is shared; prints each figure as it comes.
    /// </summary>
    private static async Task<Dictionary<string, (List<double> Baseline, List<double> Guard)>> AlternateAsync(
        LoadPath[] paths, int rounds, Uri baselineUrl, Uri guardUrl, string unit, Func<LoadPath, Uri, bool, Task<double>> measure)
    {
        var figures = paths.ToDictionary(p => p.Name, _ => (Baseline: new List<double>(), Guard: new List<double>()));
        for (var round = 0; round < rounds; round++)
        {
            foreach (var path in paths)
            {
                foreach (var isGuard in round % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var figure = await measure(path, new Uri(isGuard ? guardUrl : baselineUrl, path.Path), isGuard);
                    (isGuard ? figures[path.Name].Guard : figures[path.Name].Baseline).Add(figure);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1} {path.Name,-7} {(isGuard ? "guard" : "baseline"),-8} {figure,8:F1} {unit}"));
                }
            }
        }

        return figures;
    }

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
            if (server.HasExited || deadline.Elapsed > StartTimeout)
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
        Dictionary<string, (List<double> Baseline, List<double> Guard)> roundP99s,
        Dictionary<string, (List<double> Baseline, List<double> Guard)> everyLatency,
        TimeSpan seconds,
        int rounds,
        int rate,
        TimeSpan startup,
        string loadAtStart,
        string loadAtEnd,
        bool aServerExited)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"guard (serve, 1,000 nodes, 100 tainted) vs bare Kestrel, HTTPS; wrk -t{LoadTools.Threads} -c{LoadTools.Connections} {seconds.TotalSeconds:F0} s x {rounds} rounds per path, alternating; hey -c {LoadTools.Connections} -q {rate / LoadTools.Connections} ({rate} req/s) {seconds.TotalSeconds:F0} s"));
        Console.WriteLine(string.Create(c, $"load average {loadAtStart} at the start, {loadAtEnd} at the end ({Environment.ProcessorCount} cores); set-up {startup.TotalSeconds:F0} s"));
        Console.WriteLine();
        Console.WriteLine("| path | baseline req/s (rounds) | guard req/s (rounds) | ratio | baseline p99 ms, all rounds (each) | guard p99 ms, all rounds (each) | p99 ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var ratios = new Dictionary<string, double>();
        var p99Ratios = new Dictionary<string, double>();
        foreach (var path in paths)
        {
            var (baseline, guard) = throughput[path.Name];
            var (baselineP99, guardP99) = roundP99s[path.Name];
            var (pooledBaseline, pooledGuard) = (LoadTools.Percentile(everyLatency[path.Name].Baseline, 0.99), LoadTools.Percentile(everyLatency[path.Name].Guard, 0.99));
            ratios[path.Name] = guard.Average() / baseline.Average();
            p99Ratios[path.Name] = pooledGuard / pooledBaseline;
            Console.WriteLine(string.Create(c,
                $"| {path.Name}: {path.What} | {baseline.Average():F0} ({Rounds(baseline, "F0")}) | {guard.Average():F0} ({Rounds(guard, "F0")}) | {ratios[path.Name]:F2} | {pooledBaseline:F1} ({Rounds(baselineP99, "F1")}) | {pooledGuard:F1} ({Rounds(guardP99, "F1")}) | {p99Ratios[path.Name]:F2} |"));
        }

        if (aServerExited)
        {
            Console.WriteLine("a server exited during the run: the figures are not valid");
        }

        Console.WriteLine(string.Create(c, $"load: gate={ratios["gate"]:F2} warn={ratios["warn"]:F2} binding={ratios["binding"]:F2} p99_ratio={p99Ratios.Values.Max():F2}"));
    }

    private static string Rounds(List<double> values, string format) => string.Join(" / ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Argument(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
