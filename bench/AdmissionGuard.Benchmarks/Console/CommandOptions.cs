using System.Globalization;

namespace AdmissionGuard.Benchmarks.CommandLine;

/// <summary>
/// A console command's <c>--name value</c> options and <c>--flag</c>s. Every name must be one the command knows: a
/// mistyped option fails the command instead of leaving a default in its place unnoticed, which for a benchmark means
/// measuring something else than asked. The first problem found, in the command line's order, is <see cref="Problem"/>.
/// </summary>
internal sealed class CommandOptions
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandOptions()
    {
    }

    /// <summary>What is wrong with the command line, in one line; null when nothing is.</summary>
    public string? Problem { get; private set; }

    /// <param name="args">The arguments after the command's name.</param>
    /// <param name="valued">The options that take a value; given twice, the last one counts unless read with <see cref="All"/>.</param>
    /// <param name="flags">The options that take none.</param>
    public static CommandOptions Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags)
    {
        var options = new CommandOptions();
        for (var i = 0; i < args.Count && options.Problem is null; i++)
        {
            var name = args[i];
            if (flags.Contains(name))
            {
                options._flags.Add(name);
            }
            else if (!valued.Contains(name))
            {
                options.Problem = name.StartsWith('-') ? $"unknown option {name}" : $"unexpected argument '{name}'";
            }
            else if (i + 1 >= args.Count)
            {
                options.Problem = $"{name} needs a value";
            }
            else
            {
                options.ValuesOf(name).Add(args[++i]);
            }
        }

        return options;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The option's value (the last one given), or null when it was not given.</summary>
    public string? Text(string name) => _values.TryGetValue(name, out var values) ? values[^1] : null;

    /// <summary>Every value the option was given, in order.</summary>
    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var values) ? values : [];

    /// <summary>The option's value, which must be given.</summary>
    public string Required(string name)
    {
        if (Text(name) is { } value)
        {
            return value;
        }

        Problem ??= $"{name} is required";
        return "";
    }

    /// <summary>
    /// The full path of the file the option names, which must exist; null when the option was not given. Full, because
    /// the commands start their servers in the repository's root, not where the command was typed.
    /// </summary>
    /// <param name="whereFrom">Where such a file comes from, for the problem's text.</param>
    public string? ExistingFile(string name, string whereFrom)
    {
        if (Text(name) is not { } path)
        {
            return null;
        }

        if (File.Exists(path))
        {
            return Path.GetFullPath(path);
        }

        Problem ??= $"{name} {path}: no such file ({whereFrom})";
        return path;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; <paramref name="fallback"/> when not given.</summary>
    public int Whole(string name, int min, int max, int fallback)
    {
        if (Text(name) is not { } text)
        {
            return fallback;
        }

        if (OptionValues.Whole(text, min, max) is { } value)
        {
            return value;
        }

        Problem ??= string.Create(CultureInfo.InvariantCulture, $"{name} takes a whole number from {min} to {max}, not '{text}'");
        return fallback;
    }

    /// <summary>Every <c>NAME=VALUE</c> the option was given; of a name given twice the last value counts.</summary>
    public Dictionary<string, string> NameValues(string name)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in All(name))
        {
            if (OptionValues.NameValue(text) is var (key, value))
            {
                pairs[key] = value;
            }
            else
            {
                Problem ??= $"{name} takes NAME=VALUE, not '{text}'";
            }
        }

        return pairs;
    }

    /// <summary>Notes a problem the command found in its options' values together (the first one counts).</summary>
    public void Refuse(string problem) => Problem ??= problem;

    private List<string> ValuesOf(string name)
    {
        if (!_values.TryGetValue(name, out var values))
        {
            values = [];
            _values[name] = values;
        }

        return values;
    }
}
