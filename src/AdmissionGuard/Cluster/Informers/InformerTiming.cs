namespace AdmissionGuard.Cluster.Informers;

/// <summary>The pacing of an informer. The defaults suit production; tests inject their own randomness.</summary>
internal sealed record InformerTiming
{
    public static readonly InformerTiming Default = new();

    /// <summary>Objects per list page: bounds how many full API objects are in memory at once.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Server-side watch timeout; each watch asks for between this and twice this, so that replicas
    /// and resources do not all reconnect at the same moment.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A watch that stays silent this much longer than its timeout is presumed dead and dropped.</summary>
    public TimeSpan WatchGrace { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a resource that is not served (404) is looked for again, e.g. a CRD installed later.</summary>
    public TimeSpan NotServedRecheck { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Uniform numbers in [0, 1) for jitter.</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;
}
