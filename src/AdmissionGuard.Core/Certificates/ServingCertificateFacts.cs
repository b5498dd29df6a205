namespace AdmissionGuard.Core.Certificates;

/// <summary>What the renewal decision needs to know about the certificate being served.</summary>
/// <param name="IssuedByCurrentAuthority">It chains to the CA that issues certificates now (not a previous one).</param>
public sealed record ServingCertificateFacts(
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    IReadOnlyCollection<string> DnsNames,
    bool IssuedByCurrentAuthority);
