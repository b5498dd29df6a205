namespace AdmissionGuard.Playground.Demo;

/// <summary>What the timeline saw happen to one pod (by UID).</summary>
internal sealed class PodHistory(string objectNamespace, string name, string? owner)
{
    public string Namespace { get; } = objectNamespace;

    public string Name { get; } = name;

    /// <summary>The owning DaemonSet/ReplicaSet name, or null for a bare pod.</summary>
    public string? Owner { get; } = owner;

    public bool Gated { get; set; }

    public bool GateReleased { get; set; }

    public bool Started { get; set; }

    public bool StartedBeforeCilium { get; set; }

    public bool Restarted { get; set; }
}
