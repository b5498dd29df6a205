namespace AdmissionGuard.Core.Certificates;

/// <summary>
/// The lifetimes of self-managed certificates and when they are replaced. A serving certificate lives a month and
/// is replaced after two thirds of it, so a failing renewal has ten days of retries before anything breaks. The CA
/// lives ten years and is replaced by the same rule; the previous CA stays trusted until it expires, which is
/// always after every serving certificate it issued (those never outlive their CA).
/// </summary>
public static class CertificateRenewal
{
    public static readonly TimeSpan ServingValidity = TimeSpan.FromDays(30);

    public static readonly TimeSpan AuthorityValidity = TimeSpan.FromDays(3650);

    /// <summary>Certificates are valid from a little before they are made, for clocks that run behind.</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>Two thirds into the lifetime: when a certificate (serving or CA) is replaced.</summary>
    public static DateTimeOffset RenewalTime(DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        notBefore + ((notAfter - notBefore) * 2 / 3);

    public static bool IsRenewalDue(DateTimeOffset now, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        now >= RenewalTime(notBefore, notAfter);

    /// <summary>A CA belongs in the webhooks' caBundle until it expires.</summary>
    public static bool IsTrusted(DateTimeOffset now, DateTimeOffset notAfter) => now < notAfter;

    /// <summary>
    /// The validity of a serving certificate issued now by a CA that expires at <paramref name="authorityNotAfter"/>:
    /// <see cref="ServingValidity"/>, cut short so that it never outlives its CA.
    /// </summary>
    public static (DateTimeOffset NotBefore, DateTimeOffset NotAfter) ServingValidityFrom(DateTimeOffset now, DateTimeOffset authorityNotAfter)
    {
        var notAfter = now + ServingValidity;
        return (now - Backdate, notAfter < authorityNotAfter ? notAfter : authorityNotAfter);
    }

    /// <summary>Whether the served certificate can stay, checked in order of importance.</summary>
    public static ServingCertificateVerdict Check(ServingCertificateFacts? served, IReadOnlyCollection<string> dnsNames, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        if (served is null)
        {
            return ServingCertificateVerdict.Missing;
        }

        if (!served.IssuedByCurrentAuthority)
        {
            return ServingCertificateVerdict.OtherAuthority;
        }

        if (!served.DnsNames.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(dnsNames))
        {
            return ServingCertificateVerdict.OtherNames;
        }

        return IsRenewalDue(now, served.NotBefore, served.NotAfter) ? ServingCertificateVerdict.RenewalDue : ServingCertificateVerdict.Keep;
    }
}
