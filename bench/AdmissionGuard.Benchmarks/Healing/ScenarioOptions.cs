
using static AdmissionGuard.Benchmarks.CommandLine.OptionValues;

namespace AdmissionGuard.Benchmarks.Healing;

/// <summary>The healing scenario's command line: <c>--nodes</c>, <c>--grace</c>, <c>--start</c>, <c>--concurrency</c>, <c>--plot</c>.</summary>
internal sealed record ScenarioOptions(int Nodes, TimeSpan Grace, TimeSpan Start, string Concurrency, string? Plot)
{
    public static bool TryParse(string[] args, out ScenarioOptions options, out string error)
    {
        options = new ScenarioOptions(20, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), "OwnerBudget", null);
        error = "";
        for (var i = 1; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                error = $"{args[i]} needs a value";
                return false;
            }

            var value = args[i + 1];
            switch (args[i])
            {
                case "--nodes" when Whole(value, 1, 5000) is { } nodes:
                    options = options with { Nodes = nodes };
                    break;
                case "--grace" when Whole(value, 0, 3600) is { } grace:
                    options = options with { Grace = TimeSpan.FromSeconds(grace) };
                    break;
                case "--start" when Whole(value, 0, 3600) is { } start:
                    options = options with { Start = TimeSpan.FromSeconds(start) };
                    break;
                case "--concurrency":
                    options = options with { Concurrency = value };
                    break;
                case "--plot":
                    options = options with { Plot = value };
                    break;
                default:
                    error = $"unknown option or bad value: {args[i]} {value}";
                    return false;
            }
        }

        return true;
    }
}
