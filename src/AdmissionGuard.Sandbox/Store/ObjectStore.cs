using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using k8s;

namespace AdmissionGuard.Sandbox.Store;

/// <summary>
/// The storage layer (etcd plus the watch cache in a real cluster): versioned objects per resource type, one
/// monotonically increasing revision for all writes, and watch subscriptions with a bounded history per type
/// for resuming. Knows nothing of admission, defaulting or validation: <see cref="ClusterApi"/> does that.
/// </summary>
/// <remarks>
/// Objects are immutable <see cref="StoredObject"/>s (UTF-8 JSON plus pre-extracted labels and fields) held in
/// an immutable sorted set per type: a list takes a snapshot without copying and without blocking writers,
/// and pages in key order; a later page reads the snapshot of the first (kept as long as the watch history).
/// Writes are serialized by one lock, which also orders event delivery.
/// </remarks>
public sealed class ObjectStore(int historyLimit = ObjectStore.DefaultHistoryLimit)
{
    /// <summary>Changes kept per resource type for watches that resume from a resourceVersion.</summary>
    public const int DefaultHistoryLimit = 10_000;

    // Readable JSON on the wire, as kube-apiserver writes it: quotes and '<' are not \u-escaped.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lock _gate = new();
    private readonly Dictionary<ResourceType, Table> _tables = ResourceTypes.All.ToDictionary(t => t, _ => new Table(historyLimit));
    private long _revision;

    /// <summary>The revision of the latest write (what a list made now reports as its resourceVersion).</summary>
    public long Revision => Interlocked.Read(ref _revision);

    public StoredObject? Get(ResourceType type, string? objectNamespace, string name) =>
        TableOf(type).Find(type.KeyOf(objectNamespace, name));

    /// <summary>A consistent snapshot of every object of a type, in key order, at the latest revision.</summary>
    public SnapshotCollection Snapshot(ResourceType type)
    {
        var table = TableOf(type);
        lock (_gate)
        {
            return new SnapshotCollection(table.Objects, _revision);
        }
    }

    /// <summary>The snapshot of a type as it was at <paramref name="revision"/> (what a continued list reads).</summary>
    /// <exception cref="ApiException">410 Expired: changes after <paramref name="revision"/> are no longer kept.</exception>
    public SnapshotCollection SnapshotAt(ResourceType type, long revision)
    {
        var table = TableOf(type);
        lock (_gate)
        {
            if (revision < table.History.EvictedThrough)
            {
                throw new ApiException(ApiErrors.Expired(
                    $"too old resource version: {revision} ({table.History.EvictedThrough.ToString(CultureInfo.InvariantCulture)})"));
            }

            return new SnapshotCollection(table.History.At(revision, table.Objects), revision);
        }
    }

    /// <summary>Stores a new object; <paramref name="obj"/> gets its metadata.resourceVersion.</summary>
    /// <exception cref="ApiException">409 AlreadyExists.</exception>
    public StoredObject Create(ResourceType type, JsonObject obj)
    {
        var (objectNamespace, name) = Identity(obj);
        var table = TableOf(type);
        var key = type.KeyOf(objectNamespace, name);
        lock (_gate)
        {
            if (table.Find(key) is not null)
            {
                throw new ApiException(ApiErrors.AlreadyExists(type, name));
            }

            var stored = Version(type, obj, objectNamespace, name);
            Publish(table, new StoreWatchEvent(WatchEventType.Added, stored), table.Objects.Add(new KeyedObject(key, stored)));
            return stored;
        }
    }

    /// <summary>Replaces an object; when <paramref name="expectedRevision"/> is given it must be current.</summary>
    /// <exception cref="ApiException">404 NotFound, 409 Conflict.</exception>
    public StoredObject Update(ResourceType type, JsonObject obj, long? expectedRevision)
    {
        var (objectNamespace, name) = Identity(obj);
        var table = TableOf(type);
        var key = type.KeyOf(objectNamespace, name);
        lock (_gate)
        {
            if (table.Find(key) is not { } current)
            {
                throw new ApiException(ApiErrors.NotFound(type, name));
            }

            if (expectedRevision is { } expected && expected != current.ResourceVersion)
            {
                throw new ApiException(ApiErrors.StaleResourceVersion(type, name));
            }

            var stored = Version(type, obj, objectNamespace, name);
            var entry = new KeyedObject(key, stored);
            Publish(table, new StoreWatchEvent(WatchEventType.Modified, stored), table.Objects.Remove(entry).Add(entry));
            return stored;
        }
    }

    /// <summary>Removes an object; the DELETED event carries its last state at a new revision.</summary>
    /// <exception cref="ApiException">404 NotFound, 409 Conflict when a precondition fails.</exception>
    public StoredObject Delete(ResourceType type, string? objectNamespace, string name, long? expectedRevision = null, string? expectedUid = null)
    {
        var table = TableOf(type);
        var key = type.KeyOf(objectNamespace, name);
        lock (_gate)
        {
            if (table.Find(key) is not { } current)
            {
                throw new ApiException(ApiErrors.NotFound(type, name));
            }

            if (expectedRevision is { } expected && expected != current.ResourceVersion)
            {
                throw new ApiException(ApiErrors.Conflict(type, name,
                    $"Precondition failed: ResourceVersion in precondition: {expected}, ResourceVersion in object meta: {current.ResourceVersion}"));
            }

            if (expectedUid is not null && expectedUid != current.Uid)
            {
                throw new ApiException(ApiErrors.Conflict(type, name,
                    $"Precondition failed: UID in precondition: {expectedUid}, UID in object meta: {current.Uid}"));
            }

            var deleted = Version(type, current.ToJsonObject(), objectNamespace, name);
            Publish(table, new StoreWatchEvent(WatchEventType.Deleted, deleted), table.Objects.Remove(new KeyedObject(key, null)));
            return deleted;
        }
    }

    /// <summary>
    /// Starts a watch. Without <paramref name="fromRevision"/> (or with 0) the backlog is ADDED for every
    /// current object; otherwise it is every recorded change after that revision.
    /// </summary>
    /// <param name="filter">Which objects the watcher sees (namespace, selectors); applied to every event.</param>
    /// <param name="capacity">How many undelivered live events the watcher may fall behind before it is cut off.</param>
    /// <exception cref="ApiException">410 Expired: the changes after <paramref name="fromRevision"/> are no longer kept.</exception>
    public WatchSubscription Watch(ResourceType type, Func<StoredObject, bool>? filter = null, long? fromRevision = null, int capacity = 100_000)
    {
        filter ??= static _ => true;
        var table = TableOf(type);
        lock (_gate)
        {
            IReadOnlyList<StoreWatchEvent> backlog;
            if (fromRevision is null or 0)
            {
                backlog = [.. table.Objects.Select(e => e.Object!).Where(filter).Select(o => new StoreWatchEvent(WatchEventType.Added, o))];
            }
            else if (fromRevision < table.History.EvictedThrough)
            {
                throw new ApiException(ApiErrors.Expired(
                    $"too old resource version: {fromRevision} ({table.History.EvictedThrough.ToString(CultureInfo.InvariantCulture)})"));
            }
            else
            {
                backlog = [.. table.History.After(fromRevision.Value).Where(e => filter(e.Item))];
            }

            var subscription = new WatchSubscription(this, type, filter, backlog, _revision, capacity);
            table.Subscribers.Add(subscription);
            return subscription;
        }
    }

    internal void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            TableOf(subscription.Type).Subscribers.Remove(subscription);
        }
    }

    internal long? BookmarkRevision(WatchSubscription subscription)
    {
        lock (_gate)
        {
            return subscription.Queued == 0 ? _revision : null;
        }
    }

    private Table TableOf(ResourceType type) =>
        _tables.TryGetValue(type, out var table) ? table : throw new ArgumentException($"unknown resource type {type}", nameof(type));

    /// <summary>What <paramref name="obj"/> would look like stored, without storing it (dry runs).</summary>
    public static StoredObject Preview(ResourceType type, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(type);
        var (objectNamespace, name) = Identity(obj);
        return Freeze(type, obj, objectNamespace, name, 0);
    }

    private StoredObject Version(ResourceType type, JsonObject obj, string? objectNamespace, string name)
    {
        var revision = Interlocked.Increment(ref _revision);
        obj["metadata"]!["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
        return Freeze(type, obj, objectNamespace, name, revision);
    }

    private static StoredObject Freeze(ResourceType type, JsonObject obj, string? objectNamespace, string name, long revision)
    {
        var uid = obj["metadata"]?["uid"]?.GetValue<string>() ?? "";
        return new StoredObject(
            type,
            objectNamespace,
            name,
            uid,
            revision,
            ObjectFields.Labels(obj),
            ObjectFields.Extract(type, obj, objectNamespace, name),
            JsonSerializer.SerializeToUtf8Bytes(obj, Relaxed));
    }

    private static void Publish(Table table, StoreWatchEvent change, ImmutableSortedSet<KeyedObject> objects)
    {
        table.History.Record(change, table.Objects);
        table.Objects = objects;

        List<WatchSubscription>? cutOff = null;
        foreach (var subscriber in table.Subscribers)
        {
            if (subscriber.Filter(change.Item) && !subscriber.TryDeliver(change))
            {
                (cutOff ??= []).Add(subscriber);
            }
        }

        foreach (var subscriber in cutOff ?? [])
        {
            table.Subscribers.Remove(subscriber);
        }
    }

    private static (string? Namespace, string Name) Identity(JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject ?? throw new ArgumentException("object has no metadata", nameof(obj));
        var name = metadata["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("object has no metadata.name", nameof(obj));
        }

        return (metadata["namespace"]?.GetValue<string>(), name);
    }

    private sealed class Table(int historyLimit)
    {
        public ImmutableSortedSet<KeyedObject> Objects { get; set; } = ImmutableSortedSet.Create(KeyedObject.ByKey);

        public ChangeHistory History { get; } = new(historyLimit);

        public List<WatchSubscription> Subscribers { get; } = [];

        public StoredObject? Find(string key) => Objects.TryGetValue(new KeyedObject(key, null), out var found) ? found.Object : null;
    }
}
