using k8s.Models;

namespace AdmissionGuard.Core.Scheduling;

/// <summary>A node taint, reduced to what toleration matching reads.</summary>
public sealed record Taint(string Key, string Value, string Effect)
{
    public static Taint From(V1Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        return new(taint.Key ?? "", taint.Value ?? "", taint.Effect ?? "");
    }

    public override string ToString() => Value.Length == 0 ? $"{Key}:{Effect}" : $"{Key}={Value}:{Effect}";
}
