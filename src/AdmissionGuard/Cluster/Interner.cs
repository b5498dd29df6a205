namespace AdmissionGuard.Cluster;

/// <summary>
/// Hands out one shared instance per distinct value, so that 50,000 cached pods hold the same namespace string,
/// toleration list or owner once instead of 50,000 times. Bounded: past <paramref name="capacity"/> distinct values
/// it starts over (values already handed out stay valid; only future sharing restarts), so values of pods long
/// gone cannot pile up.
/// </summary>
internal sealed class Interner<T>(IEqualityComparer<T>? comparer = null, int capacity = 50_000)
    where T : notnull
{
    private readonly Dictionary<T, T> _pool = new(comparer);
    private readonly Lock _lock = new();

    /// <param name="value">The value to share.</param>
    /// <param name="prepare">Called once for a value seen for the first time, to intern what it holds in turn.</param>
    public T Intern(T value, Func<T, T>? prepare = null)
    {
        lock (_lock)
        {
            if (_pool.TryGetValue(value, out var shared))
            {
                return shared;
            }

            if (_pool.Count >= capacity)
            {
                _pool.Clear();
            }

            shared = prepare is null ? value : prepare(value);
            _pool.Add(shared, shared);
            return shared;
        }
    }
}
