using System.Diagnostics;
using System.Globalization;
using AdmissionGuard.Sandbox;

namespace AdmissionGuard.Benchmarks.Scale;

/// <summary>
/// The guard's memory, start-up and cycle cost at a cluster's scale: the sandbox holds N pods and N CiliumEndpoints
/// on M nodes in this process; the guard is the shipped product, <c>serve</c> built in Release, in its own process
/// with its default settings (one replica: no leader election), pointed at the sandbox through a kubeconfig. Start-up
/// is measured from the process start until <c>/readyz</c> answers 200 (wall, and the process's own CPU from
/// <c>/proc/&lt;pid&gt;/stat</c>), the cycle from the guard's <c>admissionguard_reconcile_duration_seconds</c>.
/// </summary>
internal static class ScaleScenario
{
    internal const string Usage = "usage: scale-scenario [--pods N] [--nodes M] [--cycles C] [--interval SECONDS] [--guard-env NAME=VALUE]... [--reviews C [--review-seconds S]] [--no-build | --guard DLL]";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(string[] args)
    {
        if (!ScaleOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync($"scale-scenario: {error}\n{Usage}");
            return 2;
        }

        try
        {
            return await MeasureAsync(options);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException)
        {
            // A guard that would not build, start or answer: what happened (its output included), not a stack trace.
            await Console.Error.WriteLineAsync($"scale-scenario: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> MeasureAsync(ScaleOptions options)
    {
        var dll = options.GuardDll ?? await GuardProcess.BuildAsync(options.Build);
        await using var sandbox = await SandboxServer.StartAsync();
        var seeding = Stopwatch.StartNew();
        ScaleCluster.Seed(sandbox.Api.Store, options.Pods, options.Nodes);
        Console.WriteLine($"// scale scenario: {options.Pods:N0} pods + {options.Pods:N0} CiliumEndpoints on {options.Nodes:N0} nodes " +
                          $"(seeded in {seeding.Elapsed.TotalSeconds:0.0} s); guard: {string.Join(' ', [dll, .. options.GuardEnvironment.Select(e => $"{e.Key}={e.Value}")])}");

        var loadBefore = LoadAverage();
        var sandboxCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await using var guard = GuardProcess.Start(dll, sandbox.KubeconfigPath,
        [
            "--LeaderElection:Enabled=false",
            $"--Reconciler:Interval={options.Interval:c}",
        ], options.GuardEnvironment);
        await guard.WaitReadyAsync(ReadyTimeout);
        var readyWall = wall.Elapsed;
        var readyCpu = guard.CpuSeconds();
        var readyRss = guard.ResidentMegabytes();
        var sandboxCpu = (Process.GetCurrentProcess().TotalProcessorTime - sandboxCpuBefore).TotalSeconds;
        var loadAtReady = LoadAverage();
        var collections = await CollectionsAsync(guard);

        const string Cycles = "admissionguard_reconcile_duration_seconds";
        var deadline = Stopwatch.StartNew();

        // The first cycle judges every pod, the later ones what changed: both are shown apart from the mean.
        var (firstCount, firstSum) = (0.0, 0.0);
        double[] observed;
        while ((observed = await guard.MetricsAsync(Cycles + "_count", Cycles + "_sum"))[0] < options.Cycles)
        {
            if (firstCount == 0 && observed[0] > 0)
            {
                (firstCount, firstSum) = (observed[0], observed[1]);
            }

            if (deadline.Elapsed > (options.Interval * (options.Cycles + 2)) + ReadyTimeout)
            {
                throw new TimeoutException($"fewer than {options.Cycles} reconcile cycles:\n{guard.Output}");
            }

            // Once a second: a Prometheus server scrapes every 15 to 60 s, and a scrape (every series serialized) is work
            // the guard's CPU and heap would otherwise show at five times a second.
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var (count, sum) = (observed[0], observed[1]);
        var cycleMs = sum / count * 1000;
        var cyclesRss = guard.ResidentMegabytes();
        var peakRss = guard.PeakResidentMegabytes();

        Console.WriteLine();
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine(Row("pods + CiliumEndpoints / nodes", $"{options.Pods:N0} + {options.Pods:N0} / {options.Nodes:N0}"));
        Console.WriteLine(Row("start-up to /readyz 200, wall", $"{readyWall.TotalSeconds:0.0} s"));
        Console.WriteLine(Row("start-up to /readyz 200, guard CPU (user + system)", $"{readyCpu:0.0} s"));

        // The guard's CPU seconds grow when its cores are shared: the sandbox serving the lists shares them by design,
        // anything else on the machine should not, and the load average says whether it did.
        Console.WriteLine(Row("meanwhile: the sandbox's CPU (this process), load average before / at ready", $"{sandboxCpu:0.0} s, {loadBefore} / {loadAtReady}"));
        Console.WriteLine(Row("garbage collections until ready, gen0 / gen1 / gen2", collections));
        Console.WriteLine(Row("RSS at ready", $"{readyRss:0} MB"));
        Console.WriteLine(Row($"RSS after {count:0} reconcile cycles", $"{cyclesRss:0} MB"));
        Console.WriteLine(Row("peak RSS (VmHWM)", $"{peakRss:0} MB"));
        Console.WriteLine(Row($"mean reconcile cycle ({count:0} cycles, metric sum/count)", $"{cycleMs:0} ms"));
        if (firstCount > 0 && count > firstCount)
        {
            Console.WriteLine(Row($"mean of the first {firstCount:0} cycle(s) / of the {count - firstCount:0} after", $"{firstSum / firstCount * 1000:0} ms / {(sum - firstSum) / (count - firstCount) * 1000:0.0} ms"));
        }
        if (options.Reviews > 0)
        {
            var load = await ReviewLoad.RunAsync(guard, options.Reviews, options.ReviewDuration);
            Console.WriteLine(Row($"{options.Reviews} clients posting 3 MiB reviews for {options.ReviewDuration.TotalSeconds:0} s: 200 / 429 / other / failed",
                $"{load.Ok} / {load.Throttled} / {load.Other} / {load.Failed}"));
            Console.WriteLine(Row("peak RSS under the review load", $"{load.PeakRssMb:0} MB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"memory: pods={options.Pods} clients={options.Reviews} peak_rss_mb={Math.Round(load.PeakRssMb)} ok={load.Ok} throttled={load.Throttled} failed={load.Failed}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: pods={options.Pods} rss_mb={Math.Round(cyclesRss)} ready_cpu_s={readyCpu:0.0} cycle_ms={Math.Round(cycleMs)}"));
        return 0;
    }

    /// <summary>The guard's collections so far, from prometheus-net's <c>dotnet_collection_count_total</c>.</summary>
    private static async Task<string> CollectionsAsync(GuardProcess guard)
    {
        var counts = await guard.MetricsAsync([.. Enumerable.Range(0, 3).Select(generation => $"dotnet_collection_count_total{{generation=\"{generation}\"}}")]);
        return string.Join(" / ", counts.Select(count => count.ToString("0", CultureInfo.InvariantCulture)));
    }

    /// <summary>The 1-minute load average (Linux), or "n/a".</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string Row(string measure, string value) => $"| {measure} | {value} |";
}
