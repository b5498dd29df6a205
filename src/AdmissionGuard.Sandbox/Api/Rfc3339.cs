using System.Globalization;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>Timestamps as Kubernetes writes <c>metav1.Time</c> (RFC 3339 in UTC, whole seconds) and reads them back.</summary>
internal static class Rfc3339
{
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A stored timestamp (<c>metav1.Time</c> or <c>MicroTime</c>); one without a zone is UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
}
