namespace AdmissionGuard.Options;

/// <summary>Configuration section <c>LeaderElection</c>: the Lease that picks the one replica that reconciles.</summary>
public sealed class LeaderElectionOptions
{
    public const string SectionName = "LeaderElection";

    /// <summary>False: this instance always leads (a single replica, or tests).</summary>
    public bool Enabled { get; set; } = true;

    public string LeaseName { get; set; } = "admissionguard-leader";

    public string LeaseNamespace { get; set; } = "admissionguard-system";

    /// <summary>Holder identity written into the Lease; the pod name in a cluster.</summary>
    public string Identity { get; set; } = Environment.MachineName;

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
