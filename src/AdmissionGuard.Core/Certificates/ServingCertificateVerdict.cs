namespace AdmissionGuard.Core.Certificates;

/// <summary>Whether a self-managed serving certificate can stay, and if not, why a new one is issued.</summary>
public enum ServingCertificateVerdict
{
    /// <summary>Keep serving it.</summary>
    Keep,

    /// <summary>Nothing is served yet.</summary>
    Missing,

    /// <summary>Issued by another CA (a previous one after a rotation, or one whose Secret was replaced).</summary>
    OtherAuthority,

    /// <summary>Its DNS names are not the Service's (the Service or namespace setting changed).</summary>
    OtherNames,

    /// <summary>Two thirds of its lifetime have passed.</summary>
    RenewalDue,
}
