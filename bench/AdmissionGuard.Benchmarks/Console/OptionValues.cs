using System.Globalization;

namespace AdmissionGuard.Benchmarks.CommandLine;

/// <summary>Values of the scenarios' command-line options.</summary>
internal static class OptionValues
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, else null.</summary>
    public static int? Whole(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value : null;

    /// <summary><c>NAME=VALUE</c> split at its first <c>=</c>, else null (no <c>=</c>, or no name).</summary>
    public static (string Name, string Value)? NameValue(string text) =>
        text.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals ? (text[..equals], text[(equals + 1)..]) : null;
}
