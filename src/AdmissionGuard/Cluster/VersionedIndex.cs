namespace AdmissionGuard.Cluster;

/// <summary>
/// A value derived from a cache and rebuilt only when the cache's version moved: caches change rarely compared with
/// how often decisions read them. The version is read before the build, so a build racing with a change stores the
/// older version and the next read rebuilds again.
/// </summary>
internal sealed class VersionedIndex<TValue>(Func<long> version, Func<TValue> build)
    where TValue : class
{
    private Built? _built;

    public TValue Value
    {
        get
        {
            var built = Volatile.Read(ref _built);
            var current = version();
            if (built is null || built.Version != current)
            {
                built = new Built(current, build());
                Volatile.Write(ref _built, built);
            }

            return built.Value;
        }
    }

    private sealed record Built(long Version, TValue Value);
}
