using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>What the scenarios look at in a pod.</summary>
internal sealed record PodState(string Namespace, string Name, string Uid, string? OwnerUid, string? OwnerName, string? Phase, bool Ready, string? Node, bool Gated)
{
    public static PodState From(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        return new PodState(
            pod.Metadata.NamespaceProperty,
            pod.Metadata.Name,
            pod.Metadata.Uid,
            owner?.Uid,
            owner?.Name,
            pod.Status?.Phase,
            pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
            pod.Spec?.NodeName,
            pod.Spec?.SchedulingGates is { Count: > 0 });
    }
}
