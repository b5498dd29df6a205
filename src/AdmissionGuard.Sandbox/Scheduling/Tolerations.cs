using k8s.Models;

namespace AdmissionGuard.Sandbox.Scheduling;

/// <summary>
/// Toleration against taint as k8s.io/api core/v1 <c>Toleration.ToleratesTaint</c> defines it: the effects must match
/// unless the toleration's is empty, the keys must match unless the toleration's is empty, then <c>Exists</c> ignores
/// the value and <c>Equal</c> (or an empty operator) needs equal values. Any other operator tolerates nothing.
/// </summary>
internal static class Tolerations
{
    public static bool Tolerates(V1Toleration toleration, V1Taint taint)
    {
        ArgumentNullException.ThrowIfNull(toleration);
        ArgumentNullException.ThrowIfNull(taint);
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(toleration.Key) && toleration.Key != taint.Key)
        {
            return false;
        }

        return toleration.OperatorProperty switch
        {
            "Exists" => true,
            null or "" or "Equal" => (toleration.Value ?? "") == (taint.Value ?? ""),
            _ => false,
        };
    }

    /// <summary>The first toleration of the list that tolerates the taint (the taint manager counts its seconds).</summary>
    public static V1Toleration? FirstTolerating(IEnumerable<V1Toleration>? tolerations, V1Taint taint) =>
        tolerations?.FirstOrDefault(t => Tolerates(t, taint));

    /// <summary>The first taint with one of <paramref name="effects"/> that no toleration tolerates, as the scheduler's
    /// TaintToleration filter looks for it.</summary>
    public static V1Taint? FirstUntolerated(IEnumerable<V1Taint>? taints, IEnumerable<V1Toleration>? tolerations, params string[] effects)
    {
        var list = tolerations?.ToList() ?? [];
        return taints?.FirstOrDefault(t => effects.Contains(t.Effect) && FirstTolerating(list, t) is null);
    }
}
