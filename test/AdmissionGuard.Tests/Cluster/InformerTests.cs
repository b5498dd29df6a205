using System.Threading.Channels;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Tests.Support;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace AdmissionGuard.Tests.Cluster;

public sealed class InformerTests : IAsyncDisposable
{
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromSeconds(60);
    private readonly ScriptedListWatchClient<V1ConfigMap> _server = new("configmaps");
    private readonly RecordingTimeProvider _time = new();
    private readonly Channel<CacheChange<Setting>> _changes = Channel.CreateUnbounded<CacheChange<Setting>>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Informer<V1ConfigMap, Setting> _informer;
    private int _projectionCalls;
    private Task? _running;

    public InformerTests()
    {
        var timing = new InformerTiming
        {
            PageSize = 2,
            WatchTimeout = WatchTimeout,
            InitialBackoff = TimeSpan.FromSeconds(1),
            MaxBackoff = TimeSpan.FromSeconds(8),
            NotServedRecheck = TimeSpan.FromMinutes(5),
            Random = () => 0,
        };
        _informer = new Informer<V1ConfigMap, Setting>(_server, Project, s => new ObjectKey(s.Namespace, s.Name), _time, NullLogger.Instance, timing);
        _informer.Subscribe(change => _changes.Writer.TryWrite(change));
    }

    [Fact]
    public async Task Lists_every_page_then_watches_from_the_lists_resource_version()
    {
        _server.ListReturns("10", [Map("a", "1"), Map("b", "2")], continueToken: "page-2");
        _server.ListReturns("11", [Map("c", "3")]);

        Start();

        (await _server.NextListCallAsync()).Should().BeNull();
        (await _server.NextListCallAsync()).Should().Be("page-2");
        var watch = await _server.NextWatchAsync();
        watch.ResourceVersion.Should().Be("11");
        watch.Timeout.Should().Be(WatchTimeout);
        _informer.Synced.Should().BeTrue();
        await _informer.WaitForSyncAsync(TestContext.Current.CancellationToken);
        _informer.Items.Select(s => s.Value).Should().Equal(["1", "2", "3"]);
        _informer.Get(new ObjectKey("default", "b"))!.Value.Should().Be("2");
        (await NextChangesAsync(3)).Should().OnlyContain(c => c.Kind == CacheChangeKind.Added);
    }

    [Fact]
    public async Task Is_not_synced_before_the_first_list_completes()
    {
        Start();
        await _server.NextListCallAsync();

        _informer.Synced.Should().BeFalse();
        _informer.WaitForSyncAsync(TestContext.Current.CancellationToken).IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task Watch_events_add_modify_and_delete_and_are_reported_with_old_and_new_facts()
    {
        _server.ListReturns("10", [Map("a", "1")]);
        Start();
        var watch = await _server.NextWatchAsync();
        await NextChangesAsync(1);

        watch.Send(WatchEventType.Added, Map("b", "2", "11"))
            .Send(WatchEventType.Modified, Map("a", "1-changed", "12"))
            .Send(WatchEventType.Deleted, Map("b", "2", "13"));
        var changes = await NextChangesAsync(3);

        changes.Select(c => (c.Kind, c.Key.Name, c.Old?.Value, c.New?.Value)).Should().Equal(
            (CacheChangeKind.Added, "b", null, "2"),
            (CacheChangeKind.Modified, "a", "1", "1-changed"),
            (CacheChangeKind.Deleted, "b", "2", null));
        _informer.Items.Select(s => s.Value).Should().Equal("1-changed");
        _informer.ResourceVersion.Should().Be("13");
        _informer.Version.Should().Be(4);
    }

    [Fact]
    public async Task Bookmark_moves_the_resume_point_and_a_server_timeout_resumes_at_once()
    {
        _server.ListReturns("10", []);
        Start();
        var watch = await _server.NextWatchAsync();

        watch.Send(WatchEventType.Bookmark, new V1ConfigMap { Metadata = new V1ObjectMeta { ResourceVersion = "57" } });
        watch.End();

        var resumed = await _server.NextWatchAsync();
        resumed.ResourceVersion.Should().Be("57");
        _informer.Count.Should().Be(0);
    }

    [Fact]
    public async Task Expired_resource_version_relists_and_drops_objects_that_disappeared()
    {
        _server.ListReturns("10", [Map("a", "1"), Map("b", "2")]);
        Start();
        await _server.NextListCallAsync();
        var watch = await _server.NextWatchAsync();
        await NextChangesAsync(2);

        _server.ListReturns("90", [Map("a", "1-new"), Map("c", "3")]);
        watch.Fail(new ResourceExpiredException("too old resource version: 10 (80)"));

        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        _server.HasPendingListCall.Should().BeFalse("a relist waits its back-off, as client-go's reflector does");
        _time.Advance(TimeSpan.FromSeconds(1));
        (await _server.NextListCallAsync()).Should().BeNull("the relist starts from the first page");
        var resumed = await _server.NextWatchAsync();
        resumed.ResourceVersion.Should().Be("90");
        var changes = await NextChangesAsync(3);
        changes.Select(c => (c.Kind, c.Key.Name)).Should().BeEquivalentTo(
            [(CacheChangeKind.Modified, "a"), (CacheChangeKind.Added, "c"), (CacheChangeKind.Deleted, "b")]);
        _informer.Items.Select(s => s.Name).Should().BeEquivalentTo(["a", "c"]);
    }

    [Fact]
    public async Task Dropped_stream_backs_off_then_resumes_from_the_last_resource_version()
    {
        _server.ListReturns("10", []);
        Start();
        var watch = await _server.NextWatchAsync();
        watch.Send(WatchEventType.Added, Map("a", "1", "11")).End();
        watch = await _server.NextWatchAsync();

        watch.End();

        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        _server.HasPendingWatch.Should().BeFalse("the informer waits before it reconnects");
        _time.Advance(TimeSpan.FromSeconds(1));
        (await _server.NextWatchAsync()).ResourceVersion.Should().Be("11");
    }

    [Fact]
    public async Task Watch_errors_back_off_exponentially_up_to_the_cap_and_reset_after_events()
    {
        _server.ListReturns("10", []);
        Start();

        foreach (var seconds in new[] { 1, 2, 4, 8, 8 })
        {
            (await _server.NextWatchAsync()).Fail(new HttpRequestException("connection reset"));
            await _time.PassAsync(TimeSpan.FromSeconds(seconds));
        }

        var healthy = await _server.NextWatchAsync();
        healthy.Send(WatchEventType.Added, Map("a", "1", "11")).Fail(new IOException("stream cut"));
        await _time.PassAsync(TimeSpan.FromSeconds(1));
        (await _server.NextWatchAsync()).ResourceVersion.Should().Be("11");
    }

    [Fact]
    public async Task A_watch_that_stays_silent_past_its_timeout_is_dropped_and_resumed()
    {
        _server.ListReturns("10", []);
        Start();
        await _server.NextWatchAsync();

        await _time.PassAsync(WatchTimeout + InformerTiming.Default.WatchGrace);

        await _time.PassAsync(TimeSpan.FromSeconds(1));
        (await _server.NextWatchAsync()).ResourceVersion.Should().Be("10");
    }

    [Fact]
    public async Task Is_stale_from_the_start_until_the_first_list_then_in_sync()
    {
        _server.ListThrows(new HttpRequestException("connection refused"));
        Start();
        await _server.NextListCallAsync();
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromSeconds(1));
        _informer.StaleFor.Should().Be(TimeSpan.FromSeconds(1));
        _informer.LastError.Should().Be("connection refused");

        _server.ListReturns("10", []);
        await _server.NextWatchAsync();
        await Wait.UntilAsync(() => _informer.StaleFor == TimeSpan.Zero, "the list puts the cache in sync");
        _informer.LastError.Should().BeNull();
    }

    [Fact]
    public async Task Staleness_counts_from_the_first_failure_of_a_streak_and_ends_when_a_watch_opens()
    {
        _server.ListReturns("10", []);
        Start();
        var watch = await _server.NextWatchAsync();
        _time.Advance(TimeSpan.FromMinutes(10));
        _informer.StaleFor.Should().Be(TimeSpan.Zero, "an open watch without events is in sync");

        _server.WatchOpenThrows(new HttpRequestException("503 Service Unavailable"));
        watch.Fail(new HttpRequestException("connection reset"));
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(1.5));

        _informer.StaleFor.Should().Be(TimeSpan.FromSeconds(2.5), "the clock started at the first failure, not the last");
        _informer.LastError.Should().Be("503 Service Unavailable");

        _time.Advance(TimeSpan.FromSeconds(0.5));
        await _server.NextWatchAsync();
        await Wait.UntilAsync(() => _informer.StaleFor == TimeSpan.Zero, "the open watch puts the cache in sync");
    }

    [Fact]
    public async Task An_expired_watch_is_stale_until_the_relist_completes()
    {
        _server.ListReturns("10", []);
        Start();
        (await _server.NextWatchAsync()).Fail(new ResourceExpiredException("too old resource version: 10 (80)"));
        await _time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        await _server.NextListCallAsync();

        _informer.StaleFor.Should().Be(TimeSpan.FromSeconds(1));

        _server.ListReturns("90", []);
        await _server.NextWatchAsync();
        await Wait.UntilAsync(() => _informer.StaleFor == TimeSpan.Zero, "the relist puts the cache in sync");
    }

    [Fact]
    public async Task Failed_list_backs_off_and_retries_from_the_first_page()
    {
        _server.ListThrows(new HttpRequestException("connection refused"));
        Start();
        await _server.NextListCallAsync();

        _server.ListReturns("10", [Map("a", "1")]);
        await _time.PassAsync(TimeSpan.FromSeconds(1));

        (await _server.NextListCallAsync()).Should().BeNull();
        (await _server.NextWatchAsync()).ResourceVersion.Should().Be("10");
        _informer.Synced.Should().BeTrue();
    }

    [Fact]
    public async Task Resource_that_is_not_served_counts_as_synced_and_empty_and_is_looked_for_again_slowly()
    {
        _server.ListThrows(new ResourceNotServedException("ciliumendpoints: 404"));
        Start();

        await _informer.WaitForSyncAsync(TestContext.Current.CancellationToken);
        _informer.Served.Should().BeFalse();
        _informer.Count.Should().Be(0);

        _server.ListReturns("10", [Map("a", "1")]);
        await _time.PassAsync(TimeSpan.FromMinutes(5));
        await _server.NextWatchAsync();
        _informer.Served.Should().BeTrue();
        _informer.Count.Should().Be(1);
    }

    [Fact]
    public async Task Resource_that_disappears_while_watched_empties_the_cache()
    {
        _server.ListReturns("10", [Map("a", "1")]);
        Start();
        var watch = await _server.NextWatchAsync();
        await NextChangesAsync(1);

        watch.Fail(new ResourceNotServedException("the server could not find the requested resource"));

        (await NextChangesAsync(1)).Single().Kind.Should().Be(CacheChangeKind.Deleted);
        _informer.Served.Should().BeFalse();
        _informer.Count.Should().Be(0);
        await _time.WaitForTimerAsync(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task An_object_that_cannot_be_projected_is_left_out_and_the_rest_is_cached()
    {
        _server.ListReturns("10", [Map("a", "1"), Map("broken", "x"), Map("c", "3")]);
        Start();

        await _server.NextWatchAsync();

        _informer.Items.Select(s => s.Name).Should().BeEquivalentTo(["a", "c"]);
        _projectionCalls.Should().Be(3);
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_stop_the_others_and_unsubscribed_ones_hear_nothing()
    {
        var unsubscribedHeard = 0;
        _informer.Subscribe(_ => throw new InvalidOperationException("subscriber bug"));
        var subscription = _informer.Subscribe(_ => unsubscribedHeard++);
        subscription.Dispose();
        _server.ListReturns("10", [Map("a", "1")]);

        Start();

        (await NextChangesAsync(1)).Single().Key.Name.Should().Be("a");
        unsubscribedHeard.Should().Be(0);
    }

    [Fact]
    public async Task Stops_cleanly_when_cancelled()
    {
        _server.ListReturns("10", []);
        Start();
        await _server.NextWatchAsync();

        await _stop.CancelAsync();

        await _running!.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        _running.IsCompletedSuccessfully.Should().BeTrue();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }

        _stop.Dispose();
    }

    private void Start() => _running = _informer.RunAsync(_stop.Token);

    private async Task<List<CacheChange<Setting>>> NextChangesAsync(int count)
    {
        var changes = new List<CacheChange<Setting>>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (changes.Count < count)
        {
            changes.Add(await _changes.Reader.ReadAsync(patience.Token));
        }

        return changes;
    }

    private Setting Project(V1ConfigMap map)
    {
        _projectionCalls++;
        return map.Metadata.Name == "broken"
            ? throw new FormatException("unreadable")
            : new Setting(map.Metadata.NamespaceProperty, map.Metadata.Name, map.Data["value"]);
    }

    private static V1ConfigMap Map(string name, string value, string resourceVersion = "1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", ResourceVersion = resourceVersion },
        Data = new Dictionary<string, string> { ["value"] = value },
    };
}
