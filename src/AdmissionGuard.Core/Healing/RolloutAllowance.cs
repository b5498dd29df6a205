using System.Globalization;
using AdmissionGuard.Core.Pods;

namespace AdmissionGuard.Core.Healing;

/// <summary>
/// How many pods of a controller its own rolling update takes down at once, as its controller computes it: a
/// DaemonSet's rollingUpdate.maxUnavailable (default 1; a percentage of desiredNumberScheduled rounded up;
/// <c>OnDelete</c> = 1), a Deployment's strategy.rollingUpdate.maxUnavailable for its ReplicaSets (default 25%,
/// rounded down; <c>Recreate</c> = 1), a StatefulSet's rollingUpdate.maxUnavailable (default 1, percentages rounded
/// up); 1 for anything else or an unknown controller. Never less than 1, so every controller can heal.
/// </summary>
public static class RolloutAllowance
{
    public static int For(PodOwner owner, IReadOnlyDictionary<string, WorkloadOwner> owners)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(owners);
        if (!owners.TryGetValue(owner.Uid, out var workload))
        {
            return 1;
        }

        if (workload.Kind == "ReplicaSet")
        {
            if (workload.ParentUid is null || !owners.TryGetValue(workload.ParentUid, out var deployment))
            {
                return 1;
            }

            workload = deployment;
        }

        var allowance = workload.Kind switch
        {
            "DaemonSet" when workload.Strategy == "OnDelete" => 1,
            "DaemonSet" => Scaled(workload.MaxUnavailable ?? "1", workload.Scale, roundUp: true),
            "Deployment" when workload.Strategy == "Recreate" => 1,
            "Deployment" => Scaled(workload.MaxUnavailable ?? "25%", workload.Scale, roundUp: false),
            "StatefulSet" when workload.Strategy == "OnDelete" => 1,
            "StatefulSet" => Scaled(workload.MaxUnavailable ?? "1", workload.Scale, roundUp: true),
            _ => 1,
        };
        return Math.Max(1, allowance);
    }

    /// <summary>An int, or a percentage of <paramref name="total"/>; a malformed value counts as 1.</summary>
    private static int Scaled(string value, int total, bool roundUp)
    {
        if (value.EndsWith('%'))
        {
            if (!int.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
            {
                return 1;
            }

            var exact = percent * (long)Math.Max(0, total);
            return (int)(roundUp ? (exact + 99) / 100 : exact / 100);
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 1;
    }
}
