using System.Globalization;
using System.Reflection;
using AdmissionGuard.Benchmarks.Fuzzing;
using AdmissionGuard.Benchmarks.Healing;
using AdmissionGuard.Benchmarks.Load;
using AdmissionGuard.Benchmarks.Scale;
using BenchmarkDotNet.Running;

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
    return await FuzzCommand.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1);
}

BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
return 0;
