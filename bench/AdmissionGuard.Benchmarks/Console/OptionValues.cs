using System.Globalization;

namespace AdmissionGuard.Benchmarks.CommandLine;

/// <summary>Values of the scenarios' command-line options.</summary>
internal static class OptionValues
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, else null.</summary>
    public static int? Whole(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value : null;
}
