using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace AdmissionGuard.Sandbox.Store;

/// <summary>
/// A live watch on one resource type: first <see cref="Backlog"/> (ADDED for every existing object when the
/// watch started without a resourceVersion, otherwise the recorded changes after it), then <see cref="Live"/>.
/// A subscriber that falls more than its capacity behind is cut off: <see cref="Live"/> completes with a
/// <see cref="WatchOverflowException"/> and the consumer must watch again from its last resourceVersion (or relist).
/// Dispose to stop receiving.
/// </summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly ObjectStore _store;
    private readonly Channel<StoreWatchEvent> _channel;

    internal WatchSubscription(
        ObjectStore store,
        ResourceType type,
        Func<StoredObject, bool> filter,
        IReadOnlyList<StoreWatchEvent> backlog,
        long startRevision,
        int capacity)
    {
        _store = store;
        Type = type;
        Filter = filter;
        Backlog = backlog;
        StartRevision = startRevision;
        Capacity = capacity;
        _channel = Channel.CreateBounded<StoreWatchEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ResourceType Type { get; }

    public IReadOnlyList<StoreWatchEvent> Backlog { get; }

    /// <summary>The store revision when the watch started; every later change arrives on <see cref="Live"/>.</summary>
    public long StartRevision { get; }

    public int Capacity { get; }

    public ChannelReader<StoreWatchEvent> Live => _channel.Reader;

    internal Func<StoredObject, bool> Filter { get; }

    /// <summary>Backlog then live events until cancelled, disposed, or cut off (then it throws).</summary>
    public async IAsyncEnumerable<StoreWatchEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var change in Backlog)
        {
            yield return change;
        }

        await foreach (var change in _channel.Reader.ReadAllAsync(cancellationToken))
        {
            yield return change;
        }
    }

    /// <summary>
    /// A resourceVersion safe to announce in a BOOKMARK (every change up to it was delivered or filtered out),
    /// or null while changes are still queued.
    /// </summary>
    public long? BookmarkRevision() => _store.BookmarkRevision(this);

    public void Dispose()
    {
        _store.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }

    internal int Queued => _channel.Reader.Count;

    /// <summary>False when the subscriber is too far behind; the store then cuts it off.</summary>
    internal bool TryDeliver(StoreWatchEvent change)
    {
        if (_channel.Writer.TryWrite(change))
        {
            return true;
        }

        _channel.Writer.TryComplete(new WatchOverflowException(Type, Capacity));
        return false;
    }

    internal void Close(Exception? error) => _channel.Writer.TryComplete(error);
}
