namespace AdmissionGuard.Core.Healing;

public enum GateAction
{
    /// <summary>Keep the gate: the node is not ready.</summary>
    Hold,

    /// <summary>Remove the gate: the pinned node has no taint and its agent is not known to be unready.</summary>
    ReleaseNodeReady,

    /// <summary>Remove the gate: the pod is not pinned, so the binding check guards it instead.</summary>
    ReleaseNotPinned,

    /// <summary>Remove the gate although the node is not ready: held longer than the maximum and configured to let go.</summary>
    ReleaseOverdue,
}
