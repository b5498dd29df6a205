using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AdmissionGuard.Benchmarks.Admission;
using AdmissionGuard.Sandbox;
using AdmissionGuard.Tests.Support;
using k8s.Models;

namespace AdmissionGuard.Benchmarks.Load;

/// <summary>
/// <c>make load</c>: the guard as a separate <c>serve</c> process (the product, logging as shipped) on the sandbox with
/// 1,000 nodes (100 tainted), against a bare Kestrel HTTPS endpoint (<c>bench/AdmissionGuard.LoadBaseline</c>) with the
/// same certificate and TLS profile. wrk -t2 -c4 (keep-alive) alternates between the two, rounds x paths; then hey at
/// a fixed rate gives the p99 of both. The last line is
/// <c>load: gate=&lt;ratio&gt; warn=&lt;ratio&gt; binding=&lt;ratio&gt; p99_ratio=&lt;ratio&gt;</c> (guard / baseline; p99_ratio is the
/// worst path's).
/// </summary>
internal static class LoadCommand
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);

    /// <summary><c>load --guard DLL --baseline DLL [--seconds 10] [--rounds 3] [--rate 1000]</c></summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (LoadTools.Missing() is { } missing)
        {
            await Console.Error.WriteLineAsync($"load: {missing}");
            return 2;
        }

        var guardDll = Argument(args, "--guard", null);
        var baselineDll = Argument(args, "--baseline", null);
        var seconds = TimeSpan.FromSeconds(int.Parse(Argument(args, "--seconds", "10"), CultureInfo.InvariantCulture));
        var rounds = int.Parse(Argument(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        var rate = int.Parse(Argument(args, "--rate", "1000"), CultureInfo.InvariantCulture);

        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }

        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            return await MeasureAsync(guardDll, baselineDll, seconds, rounds, rate, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
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

        // Alternating, and in the opposite order every other round, so that drift in the machine's load is shared.
        var throughput = paths.ToDictionary(p => p.Name, _ => (Baseline: new List<double>(), Guard: new List<double>()));
        for (var round = 0; round < rounds; round++)
        {
            foreach (var path in paths)
            {
                var runs = round % 2 == 0 ? new[] { false, true } : [true, false];
                foreach (var isGuard in runs)
                {
                    var rps = await LoadTools.WrkAsync(scripts[path.Name], new Uri(isGuard ? guardUrl : baselineUrl, path.Path), seconds, cancellationToken);
                    (isGuard ? throughput[path.Name].Guard : throughput[path.Name].Baseline).Add(rps);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1} {path.Name,-7} {(isGuard ? "guard" : "baseline"),-8} {rps,8:F0} req/s"));
                }
            }
        }

        var p99 = new Dictionary<string, (double Baseline, double Guard)>();
        foreach (var path in paths)
        {
            var body = directory.File($"{path.Name}.json");
            var baselineP99 = await LoadTools.HeyP99Async(body, new Uri(baselineUrl, path.Path), rate, seconds, cancellationToken);
            var guardP99 = await LoadTools.HeyP99Async(body, new Uri(guardUrl, path.Path), rate, seconds, cancellationToken);
            p99[path.Name] = (baselineP99, guardP99);
        }

        Report(paths, throughput, p99, seconds, rounds, rate, startup, loadAtStart, LoadAverage(), guard.HasExited || baseline.HasExited);
        return 0;
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
        Dictionary<string, (double Baseline, double Guard)> p99,
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
        Console.WriteLine("| path | baseline req/s (rounds) | guard req/s (rounds) | throughput ratio | baseline p99 | guard p99 | p99 ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var ratios = new Dictionary<string, double>();
        foreach (var path in paths)
        {
            var (baseline, guard) = throughput[path.Name];
            ratios[path.Name] = guard.Average() / baseline.Average();
            var (baselineP99, guardP99) = p99[path.Name];
            Console.WriteLine(string.Create(c,
                $"| {path.Name}: {path.What} | {baseline.Average():F0} ({Rounds(baseline)}) | {guard.Average():F0} ({Rounds(guard)}) | {ratios[path.Name]:F2} | {baselineP99:F2} ms | {guardP99:F2} ms | {guardP99 / baselineP99:F2} |"));
        }

        if (aServerExited)
        {
            Console.WriteLine("a server exited during the run: the figures are not valid");
        }

        var worstP99 = p99.Values.Max(p => p.Guard / p.Baseline);
        Console.WriteLine(string.Create(c, $"load: gate={ratios["gate"]:F2} warn={ratios["warn"]:F2} binding={ratios["binding"]:F2} p99_ratio={worstP99:F2}"));
    }

    private static string Rounds(List<double> values) => string.Join(" / ", values.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)));

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Argument(string[] args, string name, string? fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1]
            : fallback ?? throw new ArgumentException($"load: {name} is required");
    }
}
