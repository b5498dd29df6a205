using AdmissionGuard.Reconciler;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>The Kubernetes Events the guard wrote (source component <c>admissionguard</c>), oldest first.</summary>
internal static class GuardEvents
{
    public const string Evicted = "UnmanagedPodEvicted";
    public const string EvictionBlocked = "EvictionBlocked";
    public const string RestartBlocked = "RestartBlocked";
    public const string BlockedPodDeleted = "BlockedPodDeleted";
    public const string RestartsPaused = "UnmanagedPodRestartsPaused";
    public const string DryRunWouldEvict = "DryRunWouldEvict";
    public const string GateReleased = "SchedulingGateReleased";

    public static async Task<IReadOnlyList<Corev1Event>> ListAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        var events = await client.CoreV1.ListEventForAllNamespacesAsync(cancellationToken: cancellationToken);
        return
        [
            .. events.Items
                .Where(e => e.Source?.Component == KubernetesPodEventRecorder.Component)
                .OrderBy(e => long.Parse(e.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)),
        ];
    }

    public static async Task<IReadOnlyList<Corev1Event>> ListAsync(IKubernetes client, string reason, CancellationToken cancellationToken) =>
        [.. (await ListAsync(client, cancellationToken)).Where(e => e.Reason == reason)];

    /// <summary>
    /// The Events of <paramref name="reason"/> once there are at least <paramref name="count"/>. The guard records an
    /// Event after its action, so what the action causes (a released pod starting) may be seen before the Event is.
    /// </summary>
    public static async Task<IReadOnlyList<Corev1Event>> AtLeastAsync(IKubernetes client, string reason, int count, CancellationToken cancellationToken)
    {
        await Observe.UntilAsync(async () => (await ListAsync(client, reason, cancellationToken)).Count >= count, $"{count} {reason} event(s)", cancellationToken);
        return await ListAsync(client, reason, cancellationToken);
    }
}
