using AdmissionGuard.IntegrationTests.Scenarios.Support;

namespace AdmissionGuard.IntegrationTests.Scenarios.Sandbox;

public sealed class LeadershipOnSandbox : LeadershipScenarios
{
    private protected override Task<IClusterUnderTest> StartAsync(GuardSetup setup, CancellationToken cancellationToken) =>
        SandboxClusterUnderTest.StartAsync(setup, cancellationToken);
}
