using System.Collections.Immutable;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Cluster.Informers;

/// <summary>
/// A cache of one resource fed by list+watch (KubernetesClient has no informer). Lists page by page, then
/// watches from the list's resourceVersion with bookmarks; resumes every watch from the last resourceVersion
/// it saw; relists when that version has expired (410); backs off with jitter after errors and dropped
/// streams. Each object is projected to slim facts as it arrives: the API object is never kept. Tracks since when it
/// has been out of sync (no successful list and no open watch), which readiness and a metric report.
/// </summary>
internal sealed class Informer<TObject, TFacts> : IResourceCache<TFacts>
    where TObject : class, IKubernetesObject<V1ObjectMeta>
    where TFacts : class
{
    private readonly IListWatchClient<TObject> _client;
    private readonly Func<TObject, TFacts> _project;
    private readonly Func<TFacts, ObjectKey> _keyOf;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InformerTiming _timing;
    private readonly ExponentialBackoff _backoff;
    private readonly FactsStore<TFacts> _store = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _subscribersLock = new();
    private ImmutableArray<Action<CacheChange<TFacts>>> _subscribers = [];
    private long _version;
    private volatile bool _served = true;
    private string _resourceVersion = "";
    private string? _lastError;
    private long _outOfSyncSinceTicks;

    public Informer(
        IListWatchClient<TObject> client,
        Func<TObject, TFacts> project,
        Func<TFacts, ObjectKey> keyOf,
        TimeProvider time,
        ILogger logger,
        InformerTiming? timing = null)
    {
        _client = client;
        _project = project;
        _keyOf = keyOf;
        _time = time;
        _logger = logger;
        _timing = timing ?? InformerTiming.Default;
        _backoff = new ExponentialBackoff(_timing);
    }

    public string Resource => _client.Resource;

    public bool Synced => _synced.Task.IsCompleted;

    public bool Served => _served;

    public long Version => Interlocked.Read(ref _version);

    public int Count => _store.Count;

    public string? LastError => Volatile.Read(ref _lastError);

    public TimeSpan StaleFor => Interlocked.Read(ref _outOfSyncSinceTicks) is var since and > 0
        ? _time.GetUtcNow() - new DateTimeOffset(since, TimeSpan.Zero)
        : TimeSpan.Zero;

    public IEnumerable<TFacts> Items => _store.Values();

    /// <summary>The resourceVersion the next watch starts from.</summary>
    public string ResourceVersion => Volatile.Read(ref _resourceVersion);

    public TFacts? Get(ObjectKey key) => _store.Get(key);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    public IDisposable Subscribe(Action<CacheChange<TFacts>> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_subscribersLock)
        {
            _subscribers = _subscribers.Add(onChange);
        }

        return new Subscription(() =>
        {
            lock (_subscribersLock)
            {
                _subscribers = _subscribers.Remove(onChange);
            }
        });
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; never throws otherwise.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var mustList = true;
        OutOfSync(null);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (mustList)
                {
                    mustList = !await TryListAsync(cancellationToken);
                    if (mustList)
                    {
                        continue;
                    }
                }

                mustList = await WatchAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task<bool> TryListAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ListAsync(cancellationToken);
            return true;
        }
        catch (ResourceNotServedException)
        {
            await NotServedAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // An expired continue token lands here too: the next attempt starts a fresh list.
            var delay = _backoff.Next();
            OutOfSync(e.Message);
            CacheLog.ListFailed(_logger, Resource, delay, e);
            await Task.Delay(delay, _time, cancellationToken);
        }

        return false;
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        // A relist is the only way to learn about deletions missed while the watch was down: what it does not list
        // goes. The first list starts from an empty store, so it has nothing to compare (no set of every key).
        var listed = _store.Count == 0 ? null : new HashSet<ObjectKey>();
        var count = 0;
        string? continueToken = null;
        ListPage<TObject> page;
        do
        {
            page = await _client.ListAsync(_timing.PageSize, continueToken, cancellationToken);
            foreach (var item in page.Items)
            {
                if (Upsert(item) is { } key)
                {
                    listed?.Add(key);
                    count++;
                }
            }

            continueToken = page.Continue;
        }
        while (!string.IsNullOrEmpty(continueToken));

        if (listed is not null)
        {
            foreach (var key in _store.Keys().Where(key => !listed.Contains(key)))
            {
                Remove(key);
            }
        }

        Volatile.Write(ref _resourceVersion, page.ResourceVersion);
        if (!_served)
        {
            _served = true;
            CacheLog.ServedAgain(_logger, Resource);
        }

        _backoff.Reset();
        InSync();
        CacheLog.Listed(_logger, Resource, count, page.ResourceVersion);
        _synced.TrySetResult();
    }

    /// <returns>True when the informer must relist.</returns>
    private async Task<bool> WatchAsync(CancellationToken cancellationToken)
    {
        var resourceVersion = ResourceVersion;
        try
        {
            if (await WatchOnceAsync(cancellationToken))
            {
                return false;
            }

            // Ended early without a single event: something between us and the API server cut it.
            var delay = _backoff.Next();
            OutOfSync("the watch ended early without events");
            CacheLog.WatchDropped(_logger, Resource, resourceVersion, delay);
            await Task.Delay(delay, _time, cancellationToken);
            return false;
        }
        catch (ResourceExpiredException e)
        {
            // As client-go's reflector: a relist waits its back-off too, so an API server that answers every watch
            // with 410 does not get a relist loop of the whole resource.
            var delay = _backoff.Next();
            OutOfSync(e.Message);
            CacheLog.Expired(_logger, Resource, resourceVersion, delay);
            await Task.Delay(delay, _time, cancellationToken);
            return true;
        }
        catch (ResourceNotServedException)
        {
            await NotServedAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var delay = _backoff.Next();
            OutOfSync(e.Message);
            CacheLog.WatchFailed(_logger, Resource, resourceVersion, delay, e);
            await Task.Delay(delay, _time, cancellationToken);
            return false;
        }
    }

    /// <returns>True when the stream was healthy: it delivered events or lasted its full timeout.</returns>
    private async Task<bool> WatchOnceAsync(CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(Math.Ceiling(_timing.WatchTimeout.TotalSeconds * (1 + _timing.Random())));

        // The server ends the stream at the timeout; a connection that silently died would otherwise hang forever.
        using var deadline = new CancellationTokenSource(timeout + _timing.WatchGrace, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var started = _time.GetTimestamp();
        var events = 0;
        var stream = await _client.WatchAsync(ResourceVersion, timeout, linked.Token);
        InSync();
        await foreach (var (type, item) in stream.WithCancellation(linked.Token))
        {
            Apply(type, item);
            if (++events == 1)
            {
                _backoff.Reset();
            }
        }

        return events > 0 || _time.GetElapsedTime(started) >= timeout;
    }

    private void Apply(WatchEventType type, TObject item)
    {
        switch (type)
        {
            case WatchEventType.Added or WatchEventType.Modified:
                Upsert(item);
                break;
            case WatchEventType.Deleted:
                Remove(new ObjectKey(item.Metadata?.NamespaceProperty ?? "", item.Metadata?.Name ?? ""));
                break;
            case WatchEventType.Bookmark:
                break;
            default:
                throw new InvalidDataException($"unexpected watch event {type} for {Resource}");
        }

        if (item.Metadata?.ResourceVersion is { Length: > 0 } resourceVersion)
        {
            Volatile.Write(ref _resourceVersion, resourceVersion);
        }
    }

    private ObjectKey? Upsert(TObject item)
    {
        TFacts facts;
        try
        {
            facts = _project(item);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One malformed object must not stop the cache; it stays out of it.
            CacheLog.ProjectionFailed(_logger, Resource, item.Metadata?.NamespaceProperty ?? "", item.Metadata?.Name ?? "", e);
            return null;
        }

        var key = _keyOf(facts);
        var old = _store.Set(key, facts);
        if (!EqualityComparer<TFacts>.Default.Equals(old, facts))
        {
            Changed(new CacheChange<TFacts>(old is null ? CacheChangeKind.Added : CacheChangeKind.Modified, key, old, facts));
        }

        return key;
    }

    private void Remove(ObjectKey key)
    {
        if (_store.Remove(key) is { } old)
        {
            Changed(new CacheChange<TFacts>(CacheChangeKind.Deleted, key, old, null));
        }
    }

    private async Task NotServedAsync(CancellationToken cancellationToken)
    {
        if (_served)
        {
            _served = false;
            foreach (var key in _store.Keys())
            {
                Remove(key);
            }

            CacheLog.NotServed(_logger, Resource, _timing.NotServedRecheck);
        }

        // Nothing to wait for: an absent resource is a known, empty state.
        InSync();
        _synced.TrySetResult();
        await Task.Delay(_timing.NotServedRecheck, _time, cancellationToken);
    }

    /// <summary>Starts the staleness clock unless it already runs: the first failure of a streak is when sync was lost.</summary>
    private void OutOfSync(string? reason)
    {
        Interlocked.CompareExchange(ref _outOfSyncSinceTicks, _time.GetUtcNow().UtcTicks, 0);
        if (reason is not null)
        {
            Volatile.Write(ref _lastError, reason);
        }
    }

    private void InSync()
    {
        Interlocked.Exchange(ref _outOfSyncSinceTicks, 0);
        Volatile.Write(ref _lastError, null);
    }

    private void Changed(CacheChange<TFacts> change)
    {
        Interlocked.Increment(ref _version);
        foreach (var subscriber in _subscribers)
        {
            try
            {
                subscriber(change);
            }
            catch (Exception e)
            {
                CacheLog.SubscriberFailed(_logger, Resource, e);
            }
        }
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
