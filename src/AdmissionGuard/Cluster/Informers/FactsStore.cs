using System.Runtime.InteropServices;

namespace AdmissionGuard.Cluster.Informers;

/// <summary>
/// An informer's objects by key: one writer (the informer loop), any number of readers, every operation under one
/// short lock. Enumerates in the order the keys were first stored, the order of the first list (a removed key's
/// place goes to the next new one).
/// </summary>
/// <remarks>
/// Not a <c>ConcurrentDictionary</c>: that enumerates in hash order, so a pass over every pod read the facts, their
/// strings and their CiliumEndpoints in random places of a heap the first list had laid out in list order, and its
/// nodes cost 56 bytes per object where a <c>Dictionary</c> entry costs 32 (docs/performance.md). A reader holds the
/// lock for one look-up or one copy, never across a caller's code.
/// </remarks>
internal sealed class FactsStore<TFacts>
    where TFacts : class
{
    private readonly Dictionary<ObjectKey, TFacts> _items = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public TFacts? Get(ObjectKey key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    /// <summary>A copy: later writes do not show in it, and no lock is held while the caller walks it.</summary>
    public TFacts[] Values()
    {
        lock (_lock)
        {
            return [.. _items.Values];
        }
    }

    public ObjectKey[] Keys()
    {
        lock (_lock)
        {
            return [.. _items.Keys];
        }
    }

    /// <summary>Adds or replaces the facts under <paramref name="key"/>; returns what they replaced.</summary>
    public TFacts? Set(ObjectKey key, TFacts facts)
    {
        lock (_lock)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_items, key, out _);
            var old = slot;
            slot = facts;
            return old;
        }
    }

    public TFacts? Remove(ObjectKey key)
    {
        lock (_lock)
        {
            return _items.Remove(key, out var old) ? old : null;
        }
    }
}
