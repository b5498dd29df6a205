namespace AdmissionGuard.Sandbox.Admission;

/// <summary>AdmissionReview operations.</summary>
public enum AdmissionOperation
{
    Create,
    Update,
    Delete,
}
