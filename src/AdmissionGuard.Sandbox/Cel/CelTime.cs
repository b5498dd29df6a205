using System.Globalization;
using System.Text.RegularExpressions;

namespace AdmissionGuard.Sandbox.Cel;

/// <summary>
/// CEL's <c>google.protobuf.Timestamp</c> (a <see cref="DateTimeOffset"/> in UTC) and <c>google.protobuf.Duration</c>
/// (a <see cref="TimeSpan"/>): <c>timestamp()</c> from RFC 3339, <c>duration()</c> from Go duration strings, their
/// arithmetic, string forms and accessors, as cel-go evaluates them. .NET keeps time to 100 ns where CEL keeps
/// nanoseconds: digits beyond are truncated.
/// </summary>
internal static partial class CelTime
{
    public static readonly CelType TimestampType = new("google.protobuf.Timestamp");
    public static readonly CelType DurationType = new("google.protobuf.Duration");

    // cel-go keeps a duration in Go's time.Duration, int64 nanoseconds: about 292 years either way.
    private static readonly TimeSpan MaxDuration = TimeSpan.FromTicks(long.MaxValue / 100);

    private static readonly Dictionary<string, decimal> NanosecondsPerUnit = new(StringComparer.Ordinal)
    {
        ["ns"] = 1m,
        ["us"] = 1_000m,
        ["µs"] = 1_000m,
        ["ms"] = 1_000_000m,
        ["s"] = 1_000_000_000m,
        ["m"] = 60_000_000_000m,
        ["h"] = 3_600_000_000_000m,
    };

    /// <summary><c>timestamp(string)</c>: RFC 3339 with a time zone, as Go's <c>time.RFC3339</c> parses it.</summary>
    public static DateTimeOffset ParseTimestamp(string text)
    {
        var match = Rfc3339().Match(text);
        if (!match.Success)
        {
            throw new CelEvaluationException($"cannot parse timestamp '{text}': not RFC 3339 (e.g. 2024-01-31T12:00:00Z)");
        }

        // .NET parses at most 7 fractional digits; the rest is below its resolution.
        var fraction = match.Groups["fraction"].Value;
        var normalized = $"{match.Groups["seconds"].Value}{(fraction.Length > 0 ? "." + fraction[..Math.Min(fraction.Length, 7)] : "")}{match.Groups["zone"].Value}";
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : throw new CelEvaluationException($"cannot parse timestamp '{text}': no such date or time");
    }

    /// <summary><c>duration(string)</c>: Go's <c>time.ParseDuration</c>: <c>1h30m</c>, <c>-1.5h</c>, <c>300ms</c>, <c>0</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var match = GoDuration().Match(text);
        if (!match.Success)
        {
            throw new CelEvaluationException($"cannot parse duration '{text}': expected a number and a unit (h, m, s, ms, us, ns) per part, e.g. 1h30m");
        }

        if (text is "0" or "+0" or "-0")
        {
            return TimeSpan.Zero;
        }

        var nanoseconds = 0m;
        var numbers = match.Groups["number"].Captures;
        var units = match.Groups["unit"].Captures;
        for (var i = 0; i < numbers.Count; i++)
        {
            nanoseconds += decimal.Parse(numbers[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * NanosecondsPerUnit[units[i].Value];
            if (nanoseconds > (decimal)MaxDuration.Ticks * 100)
            {
                throw new CelEvaluationException($"cannot parse duration '{text}': out of range");
            }
        }

        var ticks = (long)(nanoseconds / 100);
        return TimeSpan.FromTicks(match.Groups["sign"].Value == "-" ? -ticks : ticks);
    }

    public static TimeSpan Duration(TimeSpan value) =>
        value.Duration() <= MaxDuration ? value : throw new CelEvaluationException("duration out of range");

    /// <summary><c>timestamp(int)</c>: seconds since the Unix epoch.</summary>
    public static DateTimeOffset FromUnixSeconds(long seconds) =>
        seconds is >= -62_135_596_800 and <= 253_402_300_799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new CelEvaluationException("timestamp out of range");

    /// <summary>As <c>string(timestamp)</c>: Go's <c>time.RFC3339Nano</c> in UTC, trailing fractional zeros left out.</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var fraction = utc.ToString("fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + "Z";
    }

    /// <summary>As <c>string(duration)</c>: seconds with as many decimals as needed, then <c>s</c> (<c>5400s</c>, <c>1.5s</c>).</summary>
    public static string Format(TimeSpan value) =>
        (value.Ticks / 10_000_000m).ToString("0.#######", CultureInfo.InvariantCulture) + "s";

    /// <summary>The accessors of a timestamp, in UTC or the time zone named by <paramref name="zone"/>.</summary>
    public static long Get(string accessor, DateTimeOffset value, string? zone)
    {
        var local = zone is null ? value.UtcDateTime : TimeZoneInfo.ConvertTime(value, Zone(zone)).DateTime;
        return accessor switch
        {
            "getFullYear" => local.Year,
            "getMonth" => local.Month - 1,
            "getDayOfYear" => local.DayOfYear - 1,
            "getDayOfMonth" => local.Day - 1,
            "getDate" => local.Day,
            "getDayOfWeek" => (long)local.DayOfWeek,
            "getHours" => local.Hour,
            "getMinutes" => local.Minute,
            "getSeconds" => local.Second,
            "getMilliseconds" => local.Millisecond,
            _ => throw CelInterpreter.NoOverload(accessor, value),
        };
    }

    /// <summary>The accessors of a duration: its whole length in that unit, truncated.</summary>
    public static long Get(string accessor, TimeSpan value) => accessor switch
    {
        "getHours" => (long)value.TotalHours,
        "getMinutes" => (long)value.TotalMinutes,
        "getSeconds" => (long)value.TotalSeconds,
        "getMilliseconds" => (long)value.TotalMilliseconds,
        _ => throw CelInterpreter.NoOverload(accessor, value),
    };

    /// <summary>An IANA time zone (<c>America/New_York</c>) or a fixed offset (<c>+05:30</c>, <c>-08:00</c>), as cel-go takes them.</summary>
    private static TimeZoneInfo Zone(string zone)
    {
        if (FixedOffset().Match(zone) is { Success: true } offset)
        {
            var span = new TimeSpan(int.Parse(offset.Groups["hours"].Value, CultureInfo.InvariantCulture), int.Parse(offset.Groups["minutes"].Value, CultureInfo.InvariantCulture), 0);
            return TimeZoneInfo.CreateCustomTimeZone(zone, offset.Groups["sign"].Value == "-" ? -span : span, zone, zone);
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(zone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new CelEvaluationException($"unknown time zone '{zone}'");
        }
    }

    [GeneratedRegex(@"^(?<seconds>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(?<fraction>\d{1,9}))?(?<zone>Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^(?<sign>[-+]?)(?:0|(?:(?<number>\d+(?:\.\d*)?|\.\d+)(?<unit>ns|us|µs|ms|s|m|h))+)$", RegexOptions.CultureInvariant)]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"^(?<sign>[-+])(?<hours>\d{2}):(?<minutes>\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex FixedOffset();
}
