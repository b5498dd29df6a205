namespace AdmissionGuard.Core.Healing;

/// <summary>One pass of the detector over the snapshot.</summary>
/// <param name="Enabled">False when the cluster serves no CiliumEndpoints: nothing can be judged then.</param>
/// <param name="Pods">Every pod with its verdict (empty when disabled).</param>
public sealed record Detection(bool Enabled, IReadOnlyList<PodClassification> Pods)
{
    public static readonly Detection Disabled = new(false, []);

    public IEnumerable<PodClassification> Unmanaged => Pods.Where(p => p.IsUnmanaged);
}
