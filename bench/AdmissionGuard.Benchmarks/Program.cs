using System.Reflection;
using AdmissionGuard.Benchmarks.Healing;
using BenchmarkDotNet.Running;

// A whole reconciler run is a console scenario, not a BenchmarkDotNet workload: `-- healing-scenario` runs it.
if (args is ["healing-scenario", ..])
{
    return await HealingScenario.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
return 0;
