
using static AdmissionGuard.Benchmarks.CommandLine.OptionValues;

namespace AdmissionGuard.Benchmarks.Scale;

/// <summary>
/// The scale scenario's command line: <c>--pods</c>, <c>--nodes</c>, <c>--cycles</c>, <c>--interval</c>, <c>--no-build</c>,
/// <c>--guard-env NAME=VALUE</c> (repeatable) for the guard's environment, e.g. to compare GC settings, and
/// <c>--reviews C</c> / <c>--review-seconds S</c> for the webhook's worst case (C clients posting 3 MiB reviews).
/// </summary>
internal sealed record ScaleOptions(int Pods, int Nodes, int Cycles, TimeSpan Interval, bool Build, IReadOnlyDictionary<string, string> GuardEnvironment)
{
    /// <summary>Concurrent clients posting 3 MiB reviews after the cycles; 0 = none.</summary>
    public int Reviews { get; init; }

    public TimeSpan ReviewDuration { get; init; } = TimeSpan.FromSeconds(30);

    public static bool TryParse(string[] args, out ScaleOptions options, out string error)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        options = new ScaleOptions(50_000, 1_000, 3, TimeSpan.FromSeconds(5), Build: true, environment);
        error = "";
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--no-build")
            {
                options = options with { Build = false };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{args[i]} needs a value";
                return false;
            }

            var value = args[++i];
            switch (args[i - 1])
            {
                case "--pods" when Whole(value, 0, 1_000_000) is { } pods:
                    options = options with { Pods = pods };
                    break;
                case "--nodes" when Whole(value, 1, 100_000) is { } nodes:
                    options = options with { Nodes = nodes };
                    break;
                case "--cycles" when Whole(value, 1, 100) is { } cycles:
                    options = options with { Cycles = cycles };
                    break;
                case "--interval" when Whole(value, 1, 3600) is { } seconds:
                    options = options with { Interval = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--reviews" when Whole(value, 0, 10_000) is { } clients:
                    options = options with { Reviews = clients };
                    break;
                case "--review-seconds" when Whole(value, 1, 3600) is { } seconds:
                    options = options with { ReviewDuration = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--guard-env" when NameValue(value) is var (name, setting):
                    environment[name] = setting;
                    break;
                default:
                    error = $"unknown option or bad value: {args[i - 1]} {value}";
                    return false;
            }
        }

        return true;
    }
}
