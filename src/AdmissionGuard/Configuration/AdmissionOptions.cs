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
    /// How long a <c>pods/binding</c> check waits for the pod cache to deliver a pod it does not know yet (the
    /// scheduler often binds before the watch event arrives) before it fails open. Must stay below the webhook's
    /// timeoutSeconds (3 s in the shipped manifests); zero never waits.
    /// </summary>
    public TimeSpan BindingPodWaitTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
