namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>The guard instances a scenario starts, with the short timings every scenario uses.</summary>
internal sealed record GuardSetup
{
    public static readonly TimeSpan ReconcilerInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MinPodAge = TimeSpan.FromSeconds(2);

    /// <summary>Short leader election, so that takeovers happen within seconds.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    public int Instances { get; init; } = 1;

    /// <summary><c>Admission:Mode</c>.</summary>
    public string Mode { get; init; } = "gate";

    public bool DryRun { get; init; }

    /// <summary>
    /// How long a simulated Cilium agent takes to become Ready, so how long a new node keeps its taint once Cilium runs.
    /// Null: the sandbox's short default (1 s). A real cluster's agent takes what it takes.
    /// </summary>
    public TimeSpan? CiliumAgentStartup { get; init; }

    /// <summary>Further guard settings (<c>Section:Key</c>), applied after the defaults here.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Every setting the guard gets besides its ports, certificate and kubeconfig.</summary>
    public IReadOnlyDictionary<string, string> AllSettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Admission:Mode"] = Mode,
            ["Reconciler:DryRun"] = DryRun ? "true" : "false",
            ["Reconciler:Interval"] = ReconcilerInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Reconciler:MinPodAge"] = MinPodAge.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["LeaderElection:LeaseDuration"] = LeaseDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["LeaderElection:RenewDeadline"] = "00:00:02",
            ["LeaderElection:RetryPeriod"] = "00:00:00.200",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        return settings;
    }
}
