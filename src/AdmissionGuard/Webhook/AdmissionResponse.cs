namespace AdmissionGuard.Webhook;

/// <summary>The <c>response</c> of an AdmissionReview; null members are left out of the JSON.</summary>
internal sealed class AdmissionResponse
{
    public const string JsonPatchType = "JSONPatch";

    public required string Uid { get; init; }
    public required bool Allowed { get; init; }
    public AdmissionStatus? Status { get; init; }

    /// <summary>Base64 of a JSON Patch (RFC 6902).</summary>
    public string? Patch { get; init; }
    public string? PatchType { get; init; }
    public IReadOnlyList<string>? Warnings { get; init; }
    public IReadOnlyDictionary<string, string>? AuditAnnotations { get; init; }
}
