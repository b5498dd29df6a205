using System.CommandLine;
using System.Globalization;

namespace AdmissionGuard.Commands;

/// <summary>A command-line option that sets one configuration key, so --help can list the common settings.</summary>
internal sealed record SettingOption(Option Option, Func<ParseResult, IEnumerable<string>> ToArguments)
{
    public static SettingOption Single<T>(string name, string key, string description)
    {
        var option = new Option<T>(name) { Description = $"{description} [{key}]" };
        return new(option, result => result.GetValue(option) is { } value
            ? [string.Create(CultureInfo.InvariantCulture, $"--{key}={value}")]
            : []);
    }

    /// <summary>A duration option (<see cref="DurationArgument"/>) bound to a TimeSpan setting.</summary>
    public static SettingOption Duration(string name, string key, string description)
    {
        var option = new Option<TimeSpan?>(name)
        {
            Description = $"{description} ({DurationArgument.Examples}) [{key}]",
            CustomParser = DurationArgument.Parse,
        };
        return new(option, result => result.GetValue(option) is { } value
            ? [string.Create(CultureInfo.InvariantCulture, $"--{key}={value:c}")]
            : []);
    }

    /// <summary>A repeatable option bound to a list setting (<c>Key:0</c>, <c>Key:1</c>, ...).</summary>
    public static SettingOption List(string name, string key, string description)
    {
        var option = new Option<string[]>(name) { Description = $"{description}, repeatable [{key}]" };
        return new(option, result => (result.GetValue(option) ?? []).Select((value, i) => string.Create(CultureInfo.InvariantCulture, $"--{key}:{i}={value}")));
    }
}
