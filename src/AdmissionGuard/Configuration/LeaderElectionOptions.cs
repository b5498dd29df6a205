namespace AdmissionGuard.Configuration;

/// <summary>
/// The Lease that makes one replica the reconciler. The webhook also reads it: gating is only safe while a
/// leader renews it (someone will release the gates).
/// </summary>
internal sealed class LeaderElectionOptions
{
    public const string SectionName = "LeaderElection";

    public bool Enabled { get; set; } = true;

    public string LeaseName { get; set; } = "admissionguard-leader";

    public string LeaseNamespace { get; set; } = "admissionguard-system";

    /// <summary>This replica's name in the Lease's holderIdentity; the pod name is the natural choice.</summary>
    public string Identity { get; set; } = Environment.MachineName;

    /// <summary>How long a Lease stays valid after its last renewal.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leadership.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time between attempts to acquire or renew.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
