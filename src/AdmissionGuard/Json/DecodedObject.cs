using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Json;

/// <summary>
/// The fields of a pod (or of a Binding: <see cref="TargetName"/>) that AdmissionGuard reads, decoded by
/// <see cref="KubernetesJsonReader.ReadObject"/> from an admission review's <c>request.object</c> and from list and
/// watch bodies alike. A pod and a Binding have no field in common, and a review's <c>request.kind</c> may come after
/// its <c>request.object</c>, so one pass reads both. Null list items are skipped.
/// </summary>
internal sealed class DecodedObject
{
    private static readonly IReadOnlyList<IReadOnlyList<FieldRequirement>> NoTerms = [];

    public string? Name { get; set; }
    public string? GenerateName { get; set; }
    public string? Namespace { get; set; }
    public string? Uid { get; set; }
    public string? ResourceVersion { get; set; }
    public DateTimeOffset? CreationTime { get; set; }

    /// <summary>True when <c>metadata.deletionTimestamp</c> is set.</summary>
    public bool Terminating { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public bool IsMirror { get; set; }

    /// <summary>The ownerReference with <c>controller: true</c>.</summary>
    public PodOwner? Owner { get; set; }

    /// <summary>True when <c>spec</c> is an object.</summary>
    public bool HasSpec { get; set; }
    public string? NodeName { get; set; }
    public bool HostNetwork { get; set; }
    public List<Toleration>? Tolerations { get; set; }

    /// <summary>The gates' names; null when <c>spec.schedulingGates</c> is absent or null (not an array).</summary>
    public List<string>? SchedulingGates { get; set; }

    /// <summary>The <c>matchFields</c> of each required node affinity term.</summary>
    public List<IReadOnlyList<FieldRequirement>>? RequiredTerms { get; set; }

    public string? Phase { get; set; }
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>True when <c>status.conditions</c> holds <c>Ready</c> with status <c>True</c>.</summary>
    public bool Ready { get; set; }

    /// <summary>A Binding's <c>target.name</c>.</summary>
    public string? TargetName { get; set; }

    /// <param name="namespaceFallback">Admission reviews of CREATE may carry the namespace only on the request.</param>
    public PodFacts ToPodFacts(string namespaceFallback = "") => new()
    {
        Namespace = string.IsNullOrEmpty(Namespace) ? namespaceFallback : Namespace,
        Name = Name ?? GenerateName ?? "",
        Uid = Uid ?? "",
        // Empty lists become the shared empty ones: a cache keeps the facts of every pod of the cluster.
        Labels = Labels is { Count: > 0 } ? Labels : PodFacts.NoLabels,
        HostNetwork = HostNetwork,
        IsMirror = IsMirror,
        Target = TargetNode.Resolve(NodeName, RequiredTerms ?? NoTerms),
        Tolerations = Tolerations is { Count: > 0 } ? Tolerations : Array.Empty<Toleration>(),
        SchedulingGates = SchedulingGates is { Count: > 0 } ? SchedulingGates : Array.Empty<string>(),
        Owner = Owner,
        Phase = Phase ?? "",
        StartTime = StartTime,
        CreationTime = CreationTime,
        Ready = Ready,
        Terminating = Terminating,
    };
}
