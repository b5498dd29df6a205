namespace AdmissionGuard.Core.Healing;

/// <summary>Evictions of one pod refused since <paramref name="Since"/>; <paramref name="Answer"/> is the API server's last word.</summary>
public sealed record BlockedEviction(DateTimeOffset Since, string Answer)
{
    public TimeSpan For(DateTimeOffset now) => now - Since;
}
