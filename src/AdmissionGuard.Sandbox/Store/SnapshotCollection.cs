using System.Collections;
using System.Collections.Immutable;

namespace AdmissionGuard.Sandbox.Store;

/// <summary>
/// Every object of one resource type as of one revision, in key order (etcd's view of a key range at a revision).
/// Immutable: a paged list reads its later pages from the same snapshot. Seeking by key and reading by position
/// are O(log n), so a page costs O(page size x log n) whatever its offset.
/// </summary>
public sealed class SnapshotCollection : IReadOnlyCollection<StoredObject>
{
    private readonly ImmutableSortedSet<KeyedObject> _objects;

    internal SnapshotCollection(ImmutableSortedSet<KeyedObject> objects, long revision)
    {
        _objects = objects;
        Revision = revision;
    }

    /// <summary>The store revision this snapshot reflects (a list's resourceVersion).</summary>
    public long Revision { get; }

    public int Count => _objects.Count;

    public StoredObject this[int index] => _objects[index].Object!;

    /// <summary>The position of the first object whose key sorts at or after <paramref name="key"/>.</summary>
    public int IndexAtOrAfter(string key)
    {
        var found = _objects.IndexOf(new KeyedObject(key, null));
        return found >= 0 ? found : ~found;
    }

    /// <summary>The position of the first object whose key sorts after <paramref name="key"/>.</summary>
    public int IndexAfter(string key)
    {
        var found = _objects.IndexOf(new KeyedObject(key, null));
        return found >= 0 ? found + 1 : ~found;
    }

    public IEnumerator<StoredObject> GetEnumerator()
    {
        foreach (var entry in _objects)
        {
            yield return entry.Object!;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>An object under its store key; the key alone (object null) is a search probe.</summary>
internal readonly record struct KeyedObject(string Key, StoredObject? Object)
{
    public static IComparer<KeyedObject> ByKey { get; } = Comparer<KeyedObject>.Create(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
}
