using System.CommandLine;
using System.Diagnostics.CodeAnalysis;

namespace AdmissionGuard.Commands;

/// <summary>Turns a parsed command line into configuration arguments (<c>--Section:Key=value</c>).</summary>
internal static class ConfigurationArguments
{
    public static bool TryCollect(
        ParseResult parseResult,
        IEnumerable<SettingOption> settings,
        [NotNullWhen(true)] out string[]? args,
        [NotNullWhen(false)] out string? error)
    {
        var collected = new List<string>();
        args = null;
        // Settings without a dedicated option pass through, but only in the one form the configuration reads:
        // anything else is most likely a typo, and ignoring it silently would hide it.
        foreach (var token in parseResult.UnmatchedTokens)
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (!token.StartsWith("--", StringComparison.Ordinal) || equals < 0 || !token[..equals].Contains(':', StringComparison.Ordinal))
            {
                error = $"unrecognized argument '{token}' (settings are given as --Section:Key=value; see --help)";
                return false;
            }

            collected.Add(token);
        }

        // Dedicated options come last so they win over the same setting given as --Section:Key=value.
        foreach (var setting in settings)
        {
            collected.AddRange(setting.ToArguments(parseResult));
        }

        args = [.. collected];
        error = null;
        return true;
    }
}
