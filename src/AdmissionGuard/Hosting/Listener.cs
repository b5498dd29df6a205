namespace AdmissionGuard.Hosting;

/// <summary>The two ports: the apiserver's HTTPS webhook port, and the plain-HTTP port of probes and scrapes.</summary>
internal enum Listener
{
    /// <summary>HTTPS, <c>Webhook:Port</c> (9443).</summary>
    Webhook,

    /// <summary>Plain HTTP, <c>Webhook:MetricsPort</c> (8080).</summary>
    Health,
}
