using AdmissionGuard.Core;

namespace AdmissionGuard.Configuration;

/// <summary>
/// The <c>Cni</c> section: how the CNI that AdmissionGuard waits for shows itself in the cluster. Admission, the
/// caches, healing and <c>scan</c> all read these facts from here.
/// </summary>
internal sealed class CniOptions
{
    public const string SectionName = "Cni";

    /// <summary>The default of <see cref="EndpointResource"/>: Cilium's CiliumEndpoint CRD.</summary>
    public const string CiliumEndpoints = "ciliumendpoints.v2.cilium.io";

    /// <summary>
    /// Taint keys that mark a node whose CNI is not ready. Null (not configured) means
    /// [node.cilium.io/agent-not-ready]: the configuration binder appends to a non-null default, so the default is
    /// applied after binding (<see cref="EffectiveTaintKeys"/>).
    /// </summary>
    public string[]? TaintKeys { get; set; }

    public IReadOnlyList<string> EffectiveTaintKeys => TaintKeys ?? [WellKnown.CiliumAgentNotReadyTaint];

    /// <summary>Namespace of the CNI agent pods (Cilium's DaemonSet).</summary>
    public string AgentNamespace { get; set; } = "kube-system";

    /// <summary>Label selector of the CNI agent pods, in kubectl's grammar: a node's agent must be Ready before its pods are restarted.</summary>
    public string AgentSelector { get; set; } = "k8s-app=cilium";

    /// <summary>
    /// The resource whose objects say "this pod is managed by the CNI", as <c>plural.version.group</c> (kubectl's
    /// fully qualified form). The detector switches itself off when the cluster does not serve it.
    /// </summary>
    public string EndpointResource { get; set; } = CiliumEndpoints;
}
