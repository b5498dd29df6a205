using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The events upstream's RealPodControl records on the owner of the pods it creates and deletes, shared by every
/// controller that manages pods (ReplicaSet, DaemonSet, Job).
/// </summary>
internal static class PodControlEvents
{
    public static Task PodCreatedAsync(this ComponentEvents events, V1ObjectReference owner, string pod, CancellationToken cancellationToken) =>
        events.RecordAsync(owner, "Normal", "SuccessfulCreate", "", $"Created pod: {pod}", cancellationToken);

    /// <param name="error">What the API answered (an admission webhook's denial, say).</param>
    public static Task PodCreateFailedAsync(this ComponentEvents events, V1ObjectReference owner, string error, CancellationToken cancellationToken) =>
        events.RecordAsync(owner, "Warning", "FailedCreate", "", $"Error creating: {error}", cancellationToken);

    public static Task PodDeletedAsync(this ComponentEvents events, V1ObjectReference owner, string pod, CancellationToken cancellationToken) =>
        events.RecordAsync(owner, "Normal", "SuccessfulDelete", "", $"Deleted pod: {pod}", cancellationToken);
}
