namespace AdmissionGuard.Webhook;

/// <summary>RFC 6901 JSON Pointers, as JSON Patch paths use them.</summary>
internal static class JsonPointer
{
    /// <summary>Joins segments, escaping '~' as ~0 and '/' as ~1 (in that order, as the RFC requires).</summary>
    public static string Of(params string[] segments) =>
        string.Concat(segments.Select(s => "/" + s.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
}
