using AdmissionGuard.IntegrationTests.Scenarios.Support;

namespace AdmissionGuard.IntegrationTests.Scenarios.Sandbox;

public sealed class AdmissionOnSandbox : AdmissionScenarios
{
    private protected override Task<IClusterUnderTest> StartAsync(GuardSetup setup, CancellationToken cancellationToken) =>
        SandboxClusterUnderTest.StartAsync(setup, cancellationToken);
}
