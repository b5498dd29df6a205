using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// Sets pod and node conditions as their controllers do: a condition is only rewritten when something changed,
/// and lastTransitionTime moves only when the status flips. Returning whether anything changed keeps passes
/// idempotent (a controller that rewrote an unchanged status would wake itself forever).
/// </summary>
internal static class StatusConditions
{
    public static bool Set(V1PodStatus status, string type, string value, DateTime now, string? reason = null, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.Conditions ??= [];
        var existing = status.Conditions.FirstOrDefault(c => c.Type == type);
        if (existing is not null && existing.Status == value && existing.Reason == reason && existing.Message == message)
        {
            return false;
        }

        var transition = existing is not null && existing.Status == value ? existing.LastTransitionTime : now;
        status.Conditions.Remove(existing!);
        status.Conditions.Add(new V1PodCondition { Type = type, Status = value, Reason = reason, Message = message, LastTransitionTime = transition });
        return true;
    }

    public static bool Set(V1NodeStatus status, string type, string value, DateTime now, string? reason = null, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.Conditions ??= [];
        var existing = status.Conditions.FirstOrDefault(c => c.Type == type);
        if (existing is not null && existing.Status == value && existing.Reason == reason && existing.Message == message)
        {
            return false;
        }

        var transition = existing is not null && existing.Status == value ? existing.LastTransitionTime : now;
        status.Conditions.Remove(existing!);
        status.Conditions.Add(new V1NodeCondition
        {
            Type = type,
            Status = value,
            Reason = reason,
            Message = message,
            LastTransitionTime = transition,
            LastHeartbeatTime = now,
        });
        return true;
    }

    public static bool IsTrue(V1PodStatus? status, string type) =>
        status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;

    /// <summary>When the pod last became Ready, or null when it is not Ready.</summary>
    public static DateTime? ReadySince(V1PodStatus? status) =>
        status?.Conditions?.FirstOrDefault(c => c.Type == "Ready" && c.Status == "True") is { } ready
            ? ready.LastTransitionTime ?? DateTime.MinValue
            : null;
}
