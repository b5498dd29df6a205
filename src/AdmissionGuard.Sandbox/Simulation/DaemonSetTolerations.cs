using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>The tolerations the DaemonSet controller adds to every pod it creates (unless already present).</summary>
internal static class DaemonSetTolerations
{
    private static readonly (string Key, string Effect)[] Always =
    [
        ("node.kubernetes.io/not-ready", NodeFit.NoExecute),
        ("node.kubernetes.io/unreachable", NodeFit.NoExecute),
        ("node.kubernetes.io/disk-pressure", NodeFit.NoSchedule),
        ("node.kubernetes.io/memory-pressure", NodeFit.NoSchedule),
        ("node.kubernetes.io/pid-pressure", NodeFit.NoSchedule),
        (NodeFit.UnschedulableTaintKey, NodeFit.NoSchedule),
    ];

    private static readonly (string Key, string Effect) HostNetworkOnly = ("node.kubernetes.io/network-unavailable", NodeFit.NoSchedule);

    /// <summary>The template's tolerations plus the defaults it lacks (matched by key and effect).</summary>
    public static List<V1Toleration> For(V1PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var tolerations = spec.Tolerations?.ToList() ?? [];
        IEnumerable<(string Key, string Effect)> defaults = spec.HostNetwork == true ? [.. Always, HostNetworkOnly] : Always;
        foreach (var (key, effect) in defaults)
        {
            if (!tolerations.Any(t => t.Key == key && t.Effect == effect))
            {
                tolerations.Add(new V1Toleration { Key = key, OperatorProperty = "Exists", Effect = effect });
            }
        }

        return tolerations;
    }
}
