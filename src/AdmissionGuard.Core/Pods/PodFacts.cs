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
    // The times are kept as UTC ticks (0: none), 8 bytes each instead of a nullable DateTimeOffset's 24: the caches
    // hold the facts of every pod of the cluster.
    private readonly long _startTicks;
    private readonly long _creationTicks;

    public DateTimeOffset? StartTime { get => FromTicks(_startTicks); init => _startTicks = ToTicks(value); }

    /// <summary>metadata.creationTimestamp: how long a gated pod (which has no start time) has waited.</summary>
    public DateTimeOffset? CreationTime { get => FromTicks(_creationTicks); init => _creationTicks = ToTicks(value); }
    public bool Ready { get; init; }
    public bool Terminating { get; init; }

    /// <summary>The node the pod runs on or is pinned to, if known.</summary>
    public string? NodeName => Target.Name;

    public string Key => $"{Namespace}/{Name}";

    public bool HasGate(string gate) => SchedulingGates.Contains(gate);

    public static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    private static DateTimeOffset? FromTicks(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private static long ToTicks(DateTimeOffset? time) => time?.UtcTicks ?? 0;
}
