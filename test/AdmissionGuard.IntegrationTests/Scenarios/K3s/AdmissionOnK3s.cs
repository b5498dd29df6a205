using AdmissionGuard.IntegrationTests.Scenarios.Support;

namespace AdmissionGuard.IntegrationTests.Scenarios.K3s;

/// <summary>The same scenarios on K3s in Docker; skipped when no Docker engine answers.</summary>
public sealed class AdmissionOnK3s : AdmissionScenarios
{
    private protected override Task<IClusterUnderTest> StartAsync(GuardSetup setup, CancellationToken cancellationToken) =>
        K3sClusterUnderTest.StartAsync(setup, cancellationToken);
}
