using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AdmissionGuard.Webhook;

/// <summary>Readiness: the apiserver cannot call a webhook that has no certificate to serve.</summary>
internal sealed class CertificateHealthCheck(ICertificateSource source) : IHealthCheck
{
    public const string Name = "certificate";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(source.GetCertificate() is { } certificate
            ? HealthCheckResult.Healthy($"serving {certificate.Subject}, expires {certificate.NotAfter.ToUniversalTime():o}")
            : HealthCheckResult.Unhealthy($"no serving certificate loaded from {source.Description}"));
}
