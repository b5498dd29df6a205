namespace AdmissionGuard.Webhook;

/// <summary>
/// The admission metrics' <c>operation</c> label values (a fixed contract): which webhook saw what. Constants, so
/// that counting a request allocates nothing.
/// </summary>
internal static class Operations
{
    /// <summary>The <c>decision</c> label of a request that could not be read.</summary>
    public const string Invalid = "invalid";

    /// <summary>The <c>decision</c> label of a request whose evaluation failed (admitted unchecked).</summary>
    public const string Error = "error";

    public static string For(WebhookKind webhook, RequestKind kind) => (webhook, kind) switch
    {
        (WebhookKind.Mutating, RequestKind.PodCreate) => "mutate_pod",
        (WebhookKind.Mutating, _) => "mutate_other",
        (_, RequestKind.PodCreate) => "validate_pod",
        (_, RequestKind.BindingCreate) => "validate_binding",
        _ => "validate_other",
    };

    /// <summary>The label of a request whose kind is unknown because it could not be read.</summary>
    public static string Unreadable(WebhookKind webhook) => webhook == WebhookKind.Mutating ? "mutate_invalid" : "validate_invalid";
}
