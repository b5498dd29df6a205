namespace AdmissionGuard.Configuration;

/// <summary>Name grammars the API server enforces, checked at start-up instead of failing on the first request.</summary>
internal static class OptionPatterns
{
    /// <summary>RFC 1123 label: namespaces.</summary>
    public const string DnsLabel = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

    /// <summary>RFC 1123 subdomain: most object names, e.g. Leases.</summary>
    public const string DnsSubdomain = "^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
}
