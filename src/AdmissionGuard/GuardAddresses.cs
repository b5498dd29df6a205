namespace AdmissionGuard;

/// <summary>Where a started guard listens: <c>https://localhost:port</c> and <c>http://localhost:port</c>.</summary>
/// <param name="Webhook">Base address of <c>/mutate-pods</c> and <c>/validate-pods</c>.</param>
/// <param name="Health">Base address of <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</param>
internal sealed record GuardAddresses(Uri Webhook, Uri Health)
{
    public int WebhookPort => Webhook.Port;

    public int HealthPort => Health.Port;
}
