using System.ComponentModel.DataAnnotations;

namespace AdmissionGuard.Configuration;

/// <summary>
/// The Lease that makes one replica the reconciler. The webhook also reads it: gating is only safe while a
/// leader renews it (someone will release the gates).
/// </summary>
internal sealed class LeaderElectionOptions
{
    public const string SectionName = "LeaderElection";

    public bool Enabled { get; set; } = true;

    [Required(ErrorMessage = "LeaderElection:LeaseName: must not be empty")]
    [RegularExpression(OptionPatterns.DnsSubdomain, ErrorMessage = "LeaderElection:LeaseName: must be a DNS subdomain (lower-case letters, digits, '-', '.')")]
    public string LeaseName { get; set; } = "admissionguard-leader";

    [Required(ErrorMessage = "LeaderElection:LeaseNamespace: must not be empty")]
    [RegularExpression(OptionPatterns.DnsLabel, ErrorMessage = "LeaderElection:LeaseNamespace: must be a DNS label (lower-case letters, digits, '-')")]
    public string LeaseNamespace { get; set; } = "admissionguard-system";

    /// <summary>This replica's name in the Lease's holderIdentity; the pod name is the natural choice.</summary>
    [Required(ErrorMessage = "LeaderElection:Identity: must not be empty")]
    public string Identity { get; set; } = Environment.MachineName;

    /// <summary>How long a Lease stays valid after its last renewal.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leadership.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time between attempts to acquire or renew.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
