using System.Globalization;
using System.Text.RegularExpressions;

namespace AdmissionGuard.Core;

/// <summary>
/// Durations as Kubernetes users write them (annotations, kubectl flags): <c>500ms</c>, <c>5s</c>, <c>1m30s</c>,
/// <c>1h</c>, <c>0</c>.
/// </summary>
public static partial class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var match = Pattern().Match(text ?? "");
        if (!match.Success)
        {
            return false;
        }

        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unitMatch = Part().Match(part.Value);
            var amount = double.Parse(unitMatch.Groups["amount"].Value, CultureInfo.InvariantCulture);
            duration += unitMatch.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromHours(amount),
            };
        }

        return true;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|s|m|h))+$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^(?<amount>\d+(\.\d+)?)(?<unit>ms|s|m|h)$")]
    private static partial Regex Part();
}
