using System.CommandLine.Parsing;
using System.Globalization;
using AdmissionGuard.Core;

namespace AdmissionGuard.Commands;

/// <summary>
/// Parses a duration option the way kubectl users write them (<c>30s</c>, <c>2m</c>, <c>1m30s</c>) or the way the
/// configuration does (<c>00:01:30</c>), and says what is wrong otherwise.
/// </summary>
internal static class DurationArgument
{
    public const string Examples = "e.g. 30s, 2m, 1m30s or 00:01:30";

    public static TimeSpan? Parse(ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (GoDuration.TryParse(text, out var duration)
            || TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero)
        {
            return duration;
        }

        var name = result.Parent is OptionResult option ? option.Option.Name : "duration";
        result.AddError($"{name}: '{text}' is not a duration ({Examples})");
        return null;
    }
}
