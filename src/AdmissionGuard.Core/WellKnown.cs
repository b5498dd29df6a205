namespace AdmissionGuard.Core;

/// <summary>Names that users, manifests and tests rely on. Changing one is a breaking change.</summary>
public static class WellKnown
{
    public const string CiliumAgentNotReadyTaint = "node.cilium.io/agent-not-ready";
    public const string SchedulingGate = "admissionguard.io/cni-ready";
    public const string NamespaceModeLabel = "admissionguard.io/mode";
    public const string IgnoreLabel = "admissionguard.io/ignore";
    public const string MirrorPodAnnotation = "kubernetes.io/config.mirror";
    public const string AuditAnnotationPrefix = "admissionguard.io/";

    /// <summary>Name of both webhook configurations (mutating and validating).</summary>
    public const string WebhookConfigurationName = "admissionguard";
}
