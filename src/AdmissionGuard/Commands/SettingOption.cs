using System.CommandLine;
using System.Globalization;

namespace AdmissionGuard.Commands;

/// <summary>A command-line option that sets one configuration key, so --help can list the common settings.</summary>
internal sealed record SettingOption(Option Option, Func<ParseResult, IEnumerable<string>> ToArguments)
{
    public static SettingOption Single<T>(string name, string key, string description) =>
        BoundTo(new Option<T>(name) { Description = $"{description} [{key}]" }, key);

    /// <summary>A whole-number option; anything else is a parse error that names the option and the value.</summary>
    public static SettingOption WholeNumber(string name, string key, string description)
    {
        var option = new Option<int?>(name)
        {
            Description = $"{description} [{key}]",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }

                result.AddError($"{name}: '{text}' is not a whole number");
                return null;
            },
        };
        return BoundTo(option, key);
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

    // The option's value, when given, as the configuration argument --Key=value.
    private static SettingOption BoundTo<T>(Option<T> option, string key) =>
        new(option, result => result.GetValue(option) is { } value
            ? [string.Create(CultureInfo.InvariantCulture, $"--{key}={value}")]
            : []);
}
