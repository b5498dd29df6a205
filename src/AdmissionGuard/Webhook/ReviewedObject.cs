using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;

namespace AdmissionGuard.Webhook;

/// <summary>
/// The fields of <c>request.object</c> that admission reads, for a pod or a Binding (their fields do not overlap, and
/// <c>request.kind</c> may come after <c>request.object</c>, so one pass reads both). Null list items are skipped.
/// </summary>
internal sealed class ReviewedObject
{
    public string? Name { get; set; }
    public string? GenerateName { get; set; }
    public string? Namespace { get; set; }
    public string? Uid { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public bool IsMirror { get; set; }

    /// <summary>True when <c>spec</c> is an object.</summary>
    public bool HasSpec { get; set; }
    public string? NodeName { get; set; }
    public bool HostNetwork { get; set; }
    public List<Toleration>? Tolerations { get; set; }

    /// <summary>The gates' names; null when <c>spec.schedulingGates</c> is absent or null (not an array).</summary>
    public List<string>? SchedulingGates { get; set; }

    /// <summary>The <c>matchFields</c> of each required node affinity term.</summary>
    public List<IReadOnlyList<FieldRequirement>>? RequiredTerms { get; set; }

    /// <summary>A Binding's <c>target.name</c>.</summary>
    public string? TargetName { get; set; }

    /// <summary>Where the JSON Patch that adds the gate has to add it.</summary>
    public GatePatch.Shape PatchShape => SchedulingGates is not null ? GatePatch.Shape.GateList : HasSpec ? GatePatch.Shape.Spec : GatePatch.Shape.NoSpec;

    /// <param name="requestNamespace">Admission reviews of CREATE may carry the namespace only on the request.</param>
    public PodFacts ToPodFacts(string requestNamespace) => new()
    {
        Namespace = string.IsNullOrEmpty(Namespace) ? requestNamespace : Namespace,
        Name = Name ?? GenerateName ?? "",
        Uid = Uid ?? "",
        Labels = Labels ?? PodFacts.NoLabels,
        HostNetwork = HostNetwork,
        IsMirror = IsMirror,
        Target = TargetNode.Resolve(NodeName, RequiredTerms ?? []),
        Tolerations = Tolerations ?? [],
        SchedulingGates = SchedulingGates ?? [],
    };
}
