namespace AdmissionGuard.Certificates;

/// <summary>Log messages of the self-managed certificates (event ids 3100-3199 are stable).</summary>
internal static partial class CertificateLog
{
    [LoggerMessage(3100, LogLevel.Information, "Self-managed certificates: CA in Secret {Secret}, serving certificate for {DnsNames} written to {CertFile}")]
    public static partial void Starting(ILogger logger, string secret, string dnsNames, string certFile);

    [LoggerMessage(3101, LogLevel.Information, "Created the CA {Subject} (expires {NotAfter:o}) in Secret {Secret}")]
    public static partial void AuthorityCreated(ILogger logger, string subject, DateTimeOffset notAfter, string secret);

    [LoggerMessage(3102, LogLevel.Information, "Another replica created the CA Secret {Secret} first; using its CA")]
    public static partial void AuthorityCreatedElsewhere(ILogger logger, string secret);

    [LoggerMessage(3103, LogLevel.Information, "Rotated the CA in Secret {Secret} to {Subject} (expires {NotAfter:o}); the previous CA stays trusted until it expires at {PreviousNotAfter:o}")]
    public static partial void AuthorityRotated(ILogger logger, string secret, string subject, DateTimeOffset notAfter, DateTimeOffset previousNotAfter);

    [LoggerMessage(3104, LogLevel.Information, "Another replica rotated the CA in Secret {Secret} first; using its CA")]
    public static partial void AuthorityRotatedElsewhere(ILogger logger, string secret);

    [LoggerMessage(3105, LogLevel.Information, "Set the caBundle of the {Webhooks} webhooks of {Kind} {Name}")]
    public static partial void CaBundlePatched(ILogger logger, string kind, string name, int webhooks);

    [LoggerMessage(3106, LogLevel.Warning, "{Kind} {Name} does not exist; its caBundle will be set once it does")]
    public static partial void WebhookConfigurationMissing(ILogger logger, string kind, string name);

    [LoggerMessage(3107, LogLevel.Information, "Issued the serving certificate {Subject} (expires {NotAfter:o}; reason: {Reason}) to {CertFile}")]
    public static partial void ServingCertificateIssued(ILogger logger, string subject, DateTimeOffset notAfter, string reason, string certFile);

    [LoggerMessage(3108, LogLevel.Error, "{Reason}. Fix the Secret or delete it (the guard then creates a new CA); retrying in {Retry}")]
    public static partial void CaSecretUnusable(ILogger logger, string reason, TimeSpan retry);

    [LoggerMessage(3109, LogLevel.Warning, "Self-managed certificates: {Reason}; retrying in {Retry}")]
    public static partial void SyncFailed(ILogger logger, Exception exception, string reason, TimeSpan retry);
}
