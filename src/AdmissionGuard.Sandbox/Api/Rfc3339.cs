using System.Globalization;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>Timestamps as Kubernetes writes <c>metav1.Time</c>: RFC 3339 in UTC, whole seconds.</summary>
internal static class Rfc3339
{
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
