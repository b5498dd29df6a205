using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Core.Pods;

/// <summary>
/// The part of a pod that AdmissionGuard decides on, built by the guard's JSON reader from the pod in an admission
/// review and from every pod the caches list and watch: the caches keep only this (a full V1Pod is ~10x larger, and
/// caches hold every pod of the cluster).
/// </summary>
public sealed record PodFacts
{
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public string Uid { get; init; } = "";
    public IReadOnlyDictionary<string, string> Labels { get; init; } = NoLabels;
    public bool HostNetwork { get; init; }
    public bool IsMirror { get; init; }
    public TargetNode Target { get; init; } = TargetNode.Unknown;
    public IReadOnlyList<Toleration> Tolerations { get; init; } = [];
    public IReadOnlyList<string> SchedulingGates { get; init; } = [];
    public PodOwner? Owner { get; init; }
    public string Phase { get; init; } = "";
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>metadata.creationTimestamp: how long a gated pod (which has no start time) has waited.</summary>
    public DateTimeOffset? CreationTime { get; init; }
    public bool Ready { get; init; }
    public bool Terminating { get; init; }

    /// <summary>The node the pod runs on or is pinned to, if known.</summary>
    public string? NodeName => Target.Name;

    public string Key => $"{Namespace}/{Name}";

    public bool HasGate(string gate) => SchedulingGates.Contains(gate);

    public static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();
}
