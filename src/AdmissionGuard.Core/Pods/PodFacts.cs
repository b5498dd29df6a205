using AdmissionGuard.Core.Scheduling;
using k8s.Models;

namespace AdmissionGuard.Core.Pods;

/// <summary>
/// The part of a pod that AdmissionGuard decides on. Admission builds it from the pod in the review;
/// the caches keep only this (a full V1Pod is ~10x larger, and caches hold every pod of the cluster).
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

    /// <summary>
    /// Projects an API pod. Null list items (valid JSON that no apiserver sends) are ignored rather than trusted, so
    /// an odd object never turns into an exception inside a decision.
    /// </summary>
    /// <param name="pod">The pod.</param>
    /// <param name="namespaceOverride">Admission reviews of CREATE may carry the namespace only on the request.</param>
    public static PodFacts From(V1Pod pod, string? namespaceOverride = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var metadata = pod.Metadata ?? new V1ObjectMeta();
        var spec = pod.Spec;
        var controller = metadata.OwnerReferences?.FirstOrDefault(o => o?.Controller == true);
        return new PodFacts
        {
            Namespace = string.IsNullOrEmpty(metadata.NamespaceProperty) ? namespaceOverride ?? "" : metadata.NamespaceProperty,
            Name = metadata.Name ?? metadata.GenerateName ?? "",
            Uid = metadata.Uid ?? "",
            Labels = metadata.Labels is { Count: > 0 } labels ? new Dictionary<string, string>(labels.Where(l => l.Value is not null)) : NoLabels,
            HostNetwork = spec?.HostNetwork == true,
            IsMirror = metadata.Annotations?.ContainsKey(WellKnown.MirrorPodAnnotation) == true,
            Target = TargetNode.Resolve(spec),
            Tolerations = spec?.Tolerations?.Where(t => t is not null).Select(Toleration.From).ToArray() ?? [],
            SchedulingGates = spec?.SchedulingGates?.Where(g => g?.Name is not null).Select(g => g.Name).ToArray() ?? [],
            Owner = controller is null ? null : new PodOwner(controller.Kind, controller.Name, controller.Uid),
            Phase = pod.Status?.Phase ?? "",
            StartTime = AsUtc(pod.Status?.StartTime),
            CreationTime = AsUtc(metadata.CreationTimestamp),
            Ready = pod.Status?.Conditions?.Any(c => c?.Type == "Ready" && c.Status == "True") == true,
            Terminating = metadata.DeletionTimestamp is not null,
        };
    }

    private static DateTimeOffset? AsUtc(DateTime? time) =>
        time is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;
}
