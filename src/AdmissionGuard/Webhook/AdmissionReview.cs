namespace AdmissionGuard.Webhook;

/// <summary>The admission.k8s.io/v1 AdmissionReview envelope of a response.</summary>
internal sealed class AdmissionReview
{
    public const string ApiVersionV1 = "admission.k8s.io/v1";
    public const string KindName = "AdmissionReview";

    public string ApiVersion { get; init; } = ApiVersionV1;
    public string Kind { get; init; } = KindName;
    public required AdmissionResponse Response { get; init; }
}
