namespace AdmissionGuard.Webhook;

/// <summary>What an admission request asks, as far as the webhook dispatches on it.</summary>
internal enum RequestKind
{
    /// <summary>A pod CREATE: decided, and gated or warned by the mutating webhook, refused by the validating one.</summary>
    PodCreate,

    /// <summary>A <c>pods/binding</c> CREATE to the validating webhook: the scheduler placing a pod.</summary>
    BindingCreate,

    /// <summary>Anything else the webhook configurations let through: answered allowed, unchanged.</summary>
    Other,
}
