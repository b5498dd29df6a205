namespace AdmissionGuard.Webhook;

/// <summary>The metav1.Status of a denial: kubectl prints its message.</summary>
internal sealed class AdmissionStatus
{
    public required int Code { get; init; }
    public required string Message { get; init; }
    public required string Reason { get; init; }
}
