using System.Globalization;

namespace AdmissionGuard.Benchmarks.CommandLine;

/// <summary>A process's CPU time as Linux counts it, for the benchmarks that run the guard as its own process.</summary>
internal static class ProcessCpu
{
    // USER_HZ: 100 on every Linux architecture .NET runs on.
    private const int ClockTicksPerSecond = 100;

    /// <summary>User plus system CPU seconds process <paramref name="pid"/> has used so far (utime + stime of <c>/proc/&lt;pid&gt;/stat</c>).</summary>
    public static double Seconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / (double)ClockTicksPerSecond;
    }
}
