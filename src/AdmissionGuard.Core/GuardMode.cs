namespace AdmissionGuard.Core;

/// <summary>What the webhook does with a pod headed for a node whose Cilium agent is not ready.</summary>
public enum GuardMode
{
    /// <summary>Admit everything, say nothing.</summary>
    Off,

    /// <summary>Admit, with a kubectl warning and an audit annotation.</summary>
    Warn,

    /// <summary>Hold pinned pods with a scheduling gate until the node is ready (the default).</summary>
    Gate,

    /// <summary>Refuse pinned pods and bindings onto a not-ready node.</summary>
    Deny,
}

public static class GuardModes
{
    public const string Allowed = "off, warn, gate, deny";

    /// <summary>Parses a mode as users write it in options and the namespace label (case-insensitive).</summary>
    public static bool TryParse(string? text, out GuardMode mode)
    {
        GuardMode? parsed = text?.Trim().ToLowerInvariant() switch
        {
            "off" => GuardMode.Off,
            "warn" => GuardMode.Warn,
            "gate" => GuardMode.Gate,
            "deny" => GuardMode.Deny,
            _ => null,
        };
        mode = parsed ?? default;
        return parsed is not null;
    }

    /// <summary>The mode as labels and audit annotations carry it; constants, as every decision asks for it.</summary>
    public static string ToLabelValue(this GuardMode mode) => mode switch
    {
        GuardMode.Off => "off",
        GuardMode.Warn => "warn",
        GuardMode.Gate => "gate",
        GuardMode.Deny => "deny",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };
}
