namespace AdmissionGuard.Configuration;

/// <summary>The <c>Admission</c> section: what the webhooks enforce.</summary>
internal sealed class AdmissionOptions
{
    public const string SectionName = "Admission";

    /// <summary>off, warn, gate or deny; a namespace label <c>admissionguard.io/mode</c> overrides it.</summary>
    public string Mode { get; set; } = "gate";

    /// <summary>
    /// Taint keys that mark a node whose CNI is not ready. Null (not configured) means
    /// [node.cilium.io/agent-not-ready]; the configuration binder appends to a non-null default, so the
    /// default is applied after binding.
    /// </summary>
    public string[]? TaintKeys { get; set; }

    /// <summary>Namespaces whose pods are never checked.</summary>
    public string[] ExcludedNamespaces { get; set; } = [];

    /// <summary>Label selector (string form, e.g. <c>app in (a,b)</c>) of pods never checked; empty = none.</summary>
    public string ExcludedPodSelector { get; set; } = "";

    /// <summary>
    /// How long admission waits for the watch-fed cache to deliver an object a request names but the cache does not
    /// know yet (the pod of a <c>pods/binding</c>: schedulers bind before the watch event arrives; the node a pod is
    /// pinned to: DaemonSet controllers create pods as their node registers) before it fails open. Must stay below
    /// the webhook's timeoutSeconds (3 s in the shipped manifests); zero never waits.
    /// </summary>
    public TimeSpan CacheWaitTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
