using System.Reflection;
using AdmissionGuard.Benchmarks.CommandLine;
using AdmissionGuard.Benchmarks.Fuzzing;
using AdmissionGuard.Benchmarks.Healing;
using AdmissionGuard.Benchmarks.Load;
using AdmissionGuard.Benchmarks.Scale;
using BenchmarkDotNet.Running;

// The console commands below answer --help with their usage, whatever else the command line says.
var usages = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["healing-scenario"] = HealingScenario.Usage,
    ["load"] = LoadCommand.Usage,
    ["scale-scenario"] = ScaleScenario.Usage,
    ["fuzz"] = FuzzCommand.Usage,
};
if (args is [var command, ..] && usages.TryGetValue(command, out var usage) && args.Any(arg => arg is "--help" or "-h"))
{
    Console.WriteLine(usage);
    return 0;
}

// A whole reconciler run is a console scenario, not a BenchmarkDotNet workload: `-- healing-scenario` runs it.
if (args is ["healing-scenario", ..])
{
    return await HealingScenario.RunAsync(args);
}

// `-- load --guard DLL --baseline DLL`: make load, the guard's serve process against a bare Kestrel endpoint (wrk, hey).
if (args is ["load", ..])
{
    return await LoadCommand.RunAsync(args);
}

// `-- scale-scenario --pods N --nodes M`: the shipped guard in its own process against a sandbox of that size.
if (args is ["scale-scenario", ..])
{
    return await ScaleScenario.RunAsync(args);
}

// `-- fuzz [N [SEED]]`: mutated reviews against the guard on real Kestrel over HTTPS; the last line is the verdict.
if (args is ["fuzz", ..])
{
    var count = args.Length > 1 ? OptionValues.Whole(args[1], 1, int.MaxValue) : 100_000;
    var seed = args.Length > 2 ? OptionValues.Whole(args[2], 0, int.MaxValue) : 1;
    if (count is null || seed is null || args.Length > 3)
    {
        await Console.Error.WriteLineAsync($"fuzz: REQUESTS takes a whole number of at least 1 and SEED one of at least 0, not '{string.Join(' ', args[1..])}'\n{FuzzCommand.Usage}");
        return 2;
    }

    return await FuzzCommand.RunAsync(count.Value, seed.Value);
}

BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
return 0;
