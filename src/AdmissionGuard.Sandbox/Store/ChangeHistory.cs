using System.Collections.Immutable;

namespace AdmissionGuard.Sandbox.Store;

/// <summary>
/// The latest changes of one resource type, oldest first, each with the objects as they were just before it: what
/// watches resume from and what a paged list's later pages read (etcd's MVCC history up to its compaction). Holding
/// the earlier maps costs little: an immutable map shares all but O(log n) nodes with its successor.
/// </summary>
internal sealed class ChangeHistory(int limit)
{
    private readonly List<(StoreWatchEvent Change, ImmutableSortedSet<KeyedObject> Before)> _entries = [];
    private int _first;

    /// <summary>Revision of the newest change dropped; everything after it is still known.</summary>
    public long EvictedThrough { get; private set; }

    public void Record(StoreWatchEvent change, ImmutableSortedSet<KeyedObject> before)
    {
        _entries.Add((change, before));
        while (_entries.Count - _first > limit)
        {
            EvictedThrough = _entries[_first].Change.Item.ResourceVersion;
            _entries[_first++] = default;
        }

        // Compact once the dropped prefix is as long as what is kept: amortized O(1) per change.
        if (_first > limit)
        {
            _entries.RemoveRange(0, _first);
            _first = 0;
        }
    }

    /// <summary>The changes after <paramref name="revision"/>, oldest first.</summary>
    public IEnumerable<StoreWatchEvent> After(long revision)
    {
        for (var i = FirstAfter(revision); i < _entries.Count; i++)
        {
            yield return _entries[i].Change;
        }
    }

    /// <summary>The objects as of <paramref name="revision"/>: <paramref name="current"/> unless something changed since.</summary>
    public ImmutableSortedSet<KeyedObject> At(long revision, ImmutableSortedSet<KeyedObject> current)
    {
        var next = FirstAfter(revision);
        return next < _entries.Count ? _entries[next].Before : current;
    }

    private int FirstAfter(long revision)
    {
        int low = _first, high = _entries.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_entries[middle].Change.Item.ResourceVersion > revision)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }
}
