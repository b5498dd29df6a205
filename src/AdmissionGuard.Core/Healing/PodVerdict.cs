namespace AdmissionGuard.Core.Healing;

/// <summary>Why the detector does (the last two) or does not flag a pod as unmanaged by Cilium.</summary>
public enum PodVerdict
{
    HostNetwork,
    MirrorPod,
    OptedOut,
    ExcludedNamespace,
    ExcludedBySelector,
    NotRunning,
    Terminating,
    TooYoung,
    NodeUnknown,
    NodeTainted,
    AgentNotReady,

    /// <summary>A CiliumEndpoint owned by this very pod (same UID) exists.</summary>
    Managed,

    /// <summary>Unmanaged: no CiliumEndpoint of the same namespace/name.</summary>
    NoEndpoint,

    /// <summary>Unmanaged: the CiliumEndpoint of that name belongs to an earlier pod (another UID).</summary>
    StaleEndpoint,
}
