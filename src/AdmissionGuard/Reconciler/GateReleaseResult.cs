namespace AdmissionGuard.Reconciler;

internal enum GateReleaseResult
{
    Released,

    /// <summary>The gates changed since the snapshot (the patch's test failed): look again next cycle.</summary>
    Changed,
    AlreadyGone,
    Failed,
}

internal sealed record GateReleaseAttempt(GateReleaseResult Result, string Message = "");
