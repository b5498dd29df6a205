using AdmissionGuard.Sandbox.Store;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// What a controller read from each stored object, computed once per version of the object (its resourceVersion,
/// unique across the whole store) instead of on every pass. A pass reads every pod and node, and re-deserializing all
/// of them on each of the passes that every change triggers made the simulation cost grow as the cluster's size times
/// its changes. Keeps what the last two passes read, nothing older. The values are shared between passes: read them,
/// never change them (a model to change and write back comes from <see cref="StoredObject.ToModel{T}"/>).
/// </summary>
internal sealed class VersionCache<T>(Func<StoredObject, T> read)
{
    private Dictionary<long, T> _previous = [];
    private Dictionary<long, T> _current = [];

    /// <summary>Starts a pass: values not read again during it are dropped at the start of the next one.</summary>
    public void StartPass()
    {
        _previous = _current;
        _current = [];
    }

    public T Read(StoredObject stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (_current.TryGetValue(stored.ResourceVersion, out var value))
        {
            return value;
        }

        if (!_previous.Remove(stored.ResourceVersion, out value))
        {
            value = read(stored);
        }

        _current[stored.ResourceVersion] = value;
        return value;
    }

    public IReadOnlyList<T> ReadAll(IEnumerable<StoredObject> objects) => [.. objects.Select(Read)];
}

/// <summary>Models deserialized once per version (see <see cref="VersionCache{T}"/>).</summary>
internal static class VersionCache
{
    public static VersionCache<T> OfModels<T>() => new(static stored => stored.ToModel<T>());
}
