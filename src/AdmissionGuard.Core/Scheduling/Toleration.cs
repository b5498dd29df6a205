namespace AdmissionGuard.Core.Scheduling;

/// <summary>
/// A pod toleration, matched against taints exactly as kube-scheduler's <c>ToleratesTaint</c> does:
/// an empty effect matches every effect, an empty key matches every key, an empty operator means
/// <c>Equal</c>, and <c>Exists</c> ignores the value. An unknown operator tolerates nothing.
/// </summary>
public sealed record Toleration(string Key, string Operator, string Value, string Effect, long? TolerationSeconds = null)
{
    public const string OperatorExists = "Exists";
    public const string OperatorEqual = "Equal";

    public bool Tolerates(Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        if (Effect.Length > 0 && Effect != taint.Effect)
        {
            return false;
        }

        if (Key.Length > 0 && Key != taint.Key)
        {
            return false;
        }

        return Operator switch
        {
            OperatorExists => true,
            "" or OperatorEqual => Value == taint.Value,
            _ => false,
        };
    }

    /// <summary>True when any of <paramref name="tolerations"/> tolerates <paramref name="taint"/>.</summary>
    public static bool AnyTolerates(IReadOnlyList<Toleration> tolerations, Taint taint)
    {
        ArgumentNullException.ThrowIfNull(tolerations);
        // No lambda: admission asks this once per tainted node, and a capturing lambda allocates on each call.
        for (var i = 0; i < tolerations.Count; i++)
        {
            if (tolerations[i].Tolerates(taint))
            {
                return true;
            }
        }

        return false;
    }
}
