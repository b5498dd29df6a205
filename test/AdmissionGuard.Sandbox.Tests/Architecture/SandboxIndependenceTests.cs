using AdmissionGuard.Sandbox.Simulation;

namespace AdmissionGuard.Sandbox.Tests.Architecture;

/// <summary>The sandbox is the guard's second opinion: sharing the guard's code would let a shared bug hide itself.</summary>
public sealed class SandboxIndependenceTests
{
    [Fact]
    public void The_sandbox_assembly_references_no_assembly_of_the_guard()
    {
        var references = typeof(SimulatedCluster).Assembly.GetReferencedAssemblies().Select(a => a.Name);

        references.Should().NotContain(name => name == "AdmissionGuard" || name!.StartsWith("AdmissionGuard.", StringComparison.Ordinal));
    }
}
