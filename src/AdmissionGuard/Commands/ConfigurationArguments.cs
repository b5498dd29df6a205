using System.CommandLine;
using System.Diagnostics.CodeAnalysis;

namespace AdmissionGuard.Commands;

/// <summary>Turns a parsed command line into configuration arguments (<c>--Section:Key=value</c>).</summary>
internal static class ConfigurationArguments
{
    /// <summary>
    /// The configuration arguments, or null after reporting what is wrong on stderr, one line each prefixed with
    /// <paramref name="prefix"/>: values that do not parse (then where the help is), or an unrecognized argument.
    /// </summary>
    public static async Task<string[]?> CollectOrReportAsync(ParseResult parseResult, IEnumerable<SettingOption> settings, string prefix, string help)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var stderr = parseResult.InvocationConfiguration.Error;
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await stderr.WriteLineAsync($"{prefix}: {error.Message}");
            }

            await stderr.WriteLineAsync($"see: {help}");
            return null;
        }

        if (!TryCollect(parseResult, settings, out var args, out var unrecognized))
        {
            await stderr.WriteLineAsync($"{prefix}: {unrecognized}");
            return null;
        }

        return args;
    }

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
