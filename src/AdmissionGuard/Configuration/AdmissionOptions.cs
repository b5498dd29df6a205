using AdmissionGuard.Core;

namespace AdmissionGuard.Configuration;

/// <summary>The <c>Admission</c> section: what the webhooks enforce.</summary>
internal sealed class AdmissionOptions
{
    public const string SectionName = "Admission";

    /// <summary>off, warn, gate or deny; a namespace label <c>admissionguard.io/mode</c> overrides it.</summary>
    public string Mode { get; set; } = "gate";

    /// <summary><see cref="Mode"/> parsed, or null when it names no mode (the validator reports it).</summary>
    public GuardMode? ParsedMode => GuardModes.TryParse(Mode, out var mode) ? mode : null;

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
