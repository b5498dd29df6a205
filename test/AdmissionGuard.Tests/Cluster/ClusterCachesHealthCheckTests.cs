using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Configuration;
using AdmissionGuard.Tests.Support;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Tests.Cluster;

public sealed class ClusterCachesHealthCheckTests : IAsyncDisposable
{
    private readonly FakeCluster _cluster = new();
    private readonly ClusterCachesHealthCheck _check;

    public ClusterCachesHealthCheckTests() =>
        _check = new ClusterCachesHealthCheck(_cluster.Caches, Options.Create(new KubernetesOptions { CacheStaleness = TimeSpan.FromSeconds(60) }));

    [Fact]
    public async Task A_cache_admission_reads_that_stays_out_of_sync_past_the_staleness_fails_readiness_with_the_reason()
    {
        await SyncAsync();
        (await _cluster.Nodes.NextWatchAsync()).Fail(new ResourceExpiredException("too old resource version: 1 (90)"));
        _cluster.Nodes.ListThrows(new HttpRequestException("injected fault on list"));
        await _cluster.Time.PassAsync(TimeSpan.FromSeconds(1));
        await _cluster.Nodes.NextListCallAsync();
        await _cluster.Time.WaitForTimerAsync(TimeSpan.FromSeconds(2));

        _cluster.Time.Advance(TimeSpan.FromSeconds(59));
        (await CheckAsync()).Status.Should().Be(HealthStatus.Healthy, "60 s out of sync is still within Kubernetes:CacheStaleness");

        _cluster.Time.Advance(TimeSpan.FromSeconds(1));
        var result = await CheckAsync();

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Be(
            "out of sync longer than Kubernetes:CacheStaleness (00:01:00): nodes for 61s (last error: injected fault on list)");
    }

    [Fact]
    public async Task Ready_again_once_the_stale_cache_lists()
    {
        await SyncAsync();
        (await _cluster.Namespaces.NextWatchAsync()).Fail(new ResourceExpiredException("too old resource version: 1 (90)"));
        await _cluster.Time.PassAsync(TimeSpan.FromSeconds(1));
        await _cluster.Namespaces.NextListCallAsync();
        _cluster.Time.Advance(TimeSpan.FromMinutes(2));
        (await CheckAsync()).Status.Should().Be(HealthStatus.Unhealthy);

        _cluster.Namespaces.ListReturns("95", []);
        await _cluster.Namespaces.NextWatchAsync();

        await Wait.UntilAsync(() => _cluster.Caches.Namespaces.StaleFor == TimeSpan.Zero, "the relist puts the cache in sync");
        (await CheckAsync()).Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task A_stale_cache_that_admission_does_not_read_leaves_readiness_alone()
    {
        await SyncAsync();
        (await _cluster.Endpoints.NextWatchAsync()).Fail(new ResourceExpiredException("too old resource version: 1 (90)"));
        await _cluster.Time.PassAsync(TimeSpan.FromSeconds(1));
        await _cluster.Endpoints.NextListCallAsync();

        _cluster.Time.Advance(TimeSpan.FromMinutes(5));

        _cluster.Caches.Endpoints.StaleFor.Should().Be(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        (await CheckAsync()).Status.Should().Be(HealthStatus.Healthy);
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private async Task SyncAsync()
    {
        _cluster.ListEverythingElseEmpty();
        await _cluster.StartAndSyncAsync();
    }

    private Task<HealthCheckResult> CheckAsync() => _check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);
}
