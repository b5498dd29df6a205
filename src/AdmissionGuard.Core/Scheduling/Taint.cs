using k8s.Models;

namespace AdmissionGuard.Core.Scheduling;

/// <summary>A node taint, reduced to what toleration matching reads.</summary>
public sealed record Taint(string Key, string Value, string Effect)
{
    // Rendered once per taint: admission writes it into the audit annotations of every decision that finds one, and the
    // caches share a node's taints. The parts are get-only, so that no `with` can change one and leave the text stale.
    private readonly string _text = Value.Length == 0 ? $"{Key}:{Effect}" : $"{Key}={Value}:{Effect}";

    public string Key { get; } = Key;

    public string Value { get; } = Value;

    public string Effect { get; } = Effect;

    public static Taint From(V1Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        return new(taint.Key ?? "", taint.Value ?? "", taint.Effect ?? "");
    }

    public override string ToString() => _text;
}
