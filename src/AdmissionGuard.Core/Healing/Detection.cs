using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>One pass of the detector over the snapshot.</summary>
/// <param name="Enabled">False when the cluster serves no CiliumEndpoints: nothing can be judged then.</param>
/// <param name="Pods">
/// Every pod with its verdict (empty when disabled). A detector's own memory, not a copy: read it before that detector's
/// next pass.
/// </param>
/// <param name="Unmanaged">The pods of <paramref name="Pods"/> that Cilium does not manage.</param>
/// <param name="Unavailable">
/// The pods of <paramref name="Pods"/> with a controller that are not available (<see cref="RestartRoom.IsAvailable"/>):
/// what <see cref="RestartRoom"/> counts, a few among every pod.
/// </param>
public sealed record Detection(
    bool Enabled,
    IReadOnlyCollection<PodClassification> Pods,
    IReadOnlyList<PodClassification> Unmanaged,
    IReadOnlyCollection<PodFacts> Unavailable)
{
    public static readonly Detection Disabled = new(false, [], [], []);

    /// <summary>A detection of the given verdicts, with the unmanaged and the unavailable pods picked out of them.</summary>
    public Detection(bool enabled, IReadOnlyCollection<PodClassification> pods)
        : this(enabled, pods, [.. pods.Where(p => p.IsUnmanaged)], [.. pods.Select(p => p.Pod).Where(RestartRoom.CountsAsUnavailable)])
    {
    }
}
