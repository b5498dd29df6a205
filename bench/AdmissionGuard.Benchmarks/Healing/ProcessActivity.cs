using System.Diagnostics;
using System.Globalization;

namespace AdmissionGuard.Benchmarks.Healing;

/// <summary>
/// How busy the other threads of this process are, from Linux's per-thread scheduler statistics (time on a CPU). The
/// scenario moves its simulated clock only when the cluster has been quiet and this is near zero: on a loaded machine a
/// guard busy between two API calls can stay silent longer than the quiet period, and moving the clock then would
/// charge the guard for the machine's slowness (a jump to the next timer can be tens of seconds).
/// </summary>
internal static class ProcessActivity
{
    private const string Tasks = "/proc/self/task";

    /// <summary>True where per-thread scheduler statistics exist (Linux); elsewhere the clock moves on quiet alone.</summary>
    public static bool Available { get; } = File.Exists("/proc/thread-self/schedstat");

    /// <returns>
    /// The other threads' time on a CPU during <paramref name="window"/> (spent sleeping here), in CPUs: 0 when idle,
    /// 1 for one thread working throughout; infinite when one of them is runnable at the end.
    /// </returns>
    public static double OtherThreadsLoad(TimeSpan window)
    {
        if (!Available)
        {
            return 0;
        }

        var self = Path.GetFileName(Directory.ResolveLinkTarget("/proc/thread-self", returnFinalTarget: false)?.FullName);
        var before = Scheduled(self);
        var watch = Stopwatch.StartNew();
        Thread.Sleep(window);
        var after = Scheduled(self);
        var busy = after.Where(t => before.ContainsKey(t.Key)).Sum(t => t.Value - before[t.Key]);
        return AnyRunnable(self) ? double.PositiveInfinity : busy / (watch.Elapsed.TotalMilliseconds * 1e6);
    }

    /// <summary>Whether another thread is running or waiting for a CPU right now: on a loaded machine it may get none.</summary>
    private static bool AnyRunnable(string? self)
    {
        foreach (var task in Directory.EnumerateDirectories(Tasks))
        {
            try
            {
                // "tid (name) S ...": the name may hold spaces and parentheses, the state follows the last ')'.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var end = stat.LastIndexOf(')');
                if (Path.GetFileName(task) != self && end >= 0 && end + 2 < stat.Length && stat[end + 2] == 'R')
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return false;
    }

    /// <summary>Per thread: nanoseconds spent on a CPU.</summary>
    private static Dictionary<string, long> Scheduled(string? self)
    {
        var scheduled = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var task in Directory.EnumerateDirectories(Tasks))
        {
            var id = Path.GetFileName(task);
            if (id == self)
            {
                continue;
            }

            try
            {
                // "run_ns wait_ns timeslices": running time only. Run-queue waits would count every wake-up on a machine
                // loaded by other builds as work of ours, and keep the clock from ever moving.
                var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                scheduled[id] = long.Parse(fields[0], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return scheduled;
    }
}
