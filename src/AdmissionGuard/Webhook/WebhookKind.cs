namespace AdmissionGuard.Webhook;

/// <summary>Which of the two webhooks a request came to; each returns its share of a decision.</summary>
internal enum WebhookKind
{
    /// <summary><c>/mutate-pods</c>: pod CREATE; the gate patch, warnings and audit annotations.</summary>
    Mutating,

    /// <summary><c>/validate-pods</c>: pod CREATE and pods/binding CREATE; denials, never a patch.</summary>
    Validating,
}
