using System.Text.Json.Nodes;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>Admits everything unchanged (a cluster without webhooks).</summary>
public sealed class NoAdmission : IAdmission
{
    public static NoAdmission Instance { get; } = new();

    public Task<JsonObject?> MutateAsync(AdmissionRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(request?.NewObject);

    public Task ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken) => Task.CompletedTask;
}
