using System.Globalization;
using System.Text.RegularExpressions;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// Non-negative durations in Go's <c>time.ParseDuration</c> form, as the simulation's annotations take them:
/// <c>0</c>, <c>500ms</c>, <c>1.5s</c>, <c>1m30s</c>, <c>2h</c> (units ns, us, µs, ms, s, m, h).
/// </summary>
internal static partial class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var parts = Parts().Matches(text ?? "");
        if (parts.Count == 0 || parts.Sum(p => p.Length) != text!.Length)
        {
            return false;
        }

        foreach (Match part in parts)
        {
            var amount = double.Parse(part.Groups["amount"].Value, CultureInfo.InvariantCulture);
            duration += TimeSpan.FromTicks((long)(amount * part.Groups["unit"].Value switch
            {
                "ns" => 0.01,
                "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            }));
        }

        return true;
    }

    [GeneratedRegex(@"\G(?<amount>\d+(\.\d*)?|\.\d+)(?<unit>ns|us|µs|μs|ms|s|m|h)")]
    private static partial Regex Parts();
}
