using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Scheduling;
using k8s.Models;

namespace AdmissionGuard.Cluster;

/// <summary>API objects to the slim facts the caches keep (pods: <see cref="Json.DecodedObject.ToPodFacts"/>).</summary>
internal static class ClusterProjections
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public static NodeFacts Node(V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var taints = node.Spec?.Taints is { Count: > 0 } list ? list.Select(Taint.From).ToArray() : [];
        return new NodeFacts(node.Metadata?.Name ?? "", taints);
    }

    /// <summary>policy/v1: a null selector selects no pod, an empty one every pod of the namespace.</summary>
    public static DisruptionBudgetFacts DisruptionBudget(V1PodDisruptionBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var metadata = budget.Metadata ?? new V1ObjectMeta();
        var status = budget.Status;
        var syncFailed = status?.Conditions?.FirstOrDefault(c => c?.Type == "DisruptionAllowed" && c.Status == "False" && c.Reason == "SyncFailed");
        return new DisruptionBudgetFacts(
            metadata.NamespaceProperty ?? "",
            metadata.Name ?? "",
            Core.Labels.LabelSelector.FromModel(budget.Spec?.Selector),
            status?.DisruptionsAllowed ?? 0,
            (status?.ObservedGeneration ?? 0) >= (metadata.Generation ?? 0),
            syncFailed is null ? null : syncFailed.Message ?? "");
    }

    public static NamespaceFacts Namespace(V1Namespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        var labels = ns.Metadata?.Labels is { Count: > 0 } present ? new Dictionary<string, string>(present) : NoLabels;
        return new NamespaceFacts(ns.Metadata?.Name ?? "", labels);
    }

    public static EndpointFacts Endpoint(CiliumEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var metadata = endpoint.Metadata;
        var owner = metadata.OwnerReferences?.FirstOrDefault(o => o.Kind == "Pod");
        return new EndpointFacts(
            metadata.NamespaceProperty ?? "",
            metadata.Name ?? "",
            owner?.Uid ?? "",
            endpoint.Status?.State ?? "",
            endpoint.Status?.Networking?.NodeIp);
    }

    public static LeaseFacts Lease(V1Lease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var spec = lease.Spec;
        return new LeaseFacts(
            lease.Metadata?.NamespaceProperty ?? "",
            lease.Metadata?.Name ?? "",
            spec?.HolderIdentity ?? "",
            spec?.RenewTime is { } renewed ? new DateTimeOffset(DateTime.SpecifyKind(renewed, DateTimeKind.Utc)) : null,
            spec?.LeaseDurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
    }
}
