namespace AdmissionGuard.Sandbox.Api;

/// <summary>Query of a watch: selectors, and the resourceVersion to resume after (null or "0" = from now, with ADDED for all).</summary>
public sealed record WatchOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    public string? ResourceVersion { get; init; }

    /// <summary>Live events a watcher may fall behind before it is cut off.</summary>
    public int Capacity { get; init; } = 100_000;
}
