namespace AdmissionGuard.Reconciler;

public enum GateReleaseResult
{
    Released,

    /// <summary>The gates changed since the snapshot (the patch's test failed): look again next cycle.</summary>
    Changed,
    AlreadyGone,
    Failed,
}

public sealed record GateReleaseAttempt(GateReleaseResult Result, string Message = "");
