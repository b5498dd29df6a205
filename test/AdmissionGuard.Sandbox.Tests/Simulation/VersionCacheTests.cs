using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

public sealed class VersionCacheTests
{
    private readonly ClusterApi _api = ClusterApi.CreateInMemory();
    private readonly List<long> _reads = [];
    private readonly VersionCache<string> _cache;

    public VersionCacheTests() =>
        _cache = new VersionCache<string>(stored =>
        {
            _reads.Add(stored.ResourceVersion);
            return stored.ToModel<V1ConfigMap>().Data["value"];
        });

    [Fact]
    public async Task An_unchanged_object_is_read_once_and_a_changed_one_again()
    {
        await SaveAsync("a", "1");
        _cache.StartPass();
        _cache.Read(Stored("a")).Should().Be("1");
        _cache.StartPass();
        _cache.Read(Stored("a")).Should().Be("1");
        _reads.Should().HaveCount(1, "the second pass finds the same version");

        await SaveAsync("a", "2");
        _cache.StartPass();

        _cache.Read(Stored("a")).Should().Be("2");
        _reads.Should().HaveCount(2);
    }

    [Fact]
    public async Task What_a_whole_pass_did_not_read_is_forgotten()
    {
        await SaveAsync("a", "1");
        var first = Stored("a");
        _cache.StartPass();
        _cache.Read(first);
        _cache.StartPass();
        _cache.StartPass();

        _cache.Read(first).Should().Be("1");

        _reads.Should().HaveCount(2, "a pass without reading it dropped it");
    }

    private StoredObject Stored(string name) => _api.TryGet(ResourceTypes.ConfigMaps, "default", name)!;

    private async Task SaveAsync(string name, string value)
    {
        var map = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["value"] = value } };
        if (_api.Get<V1ConfigMap>("default", name) is { } existing)
        {
            existing.Data = map.Data;
            await _api.UpdateAsync(existing, cancellationToken: TestContext.Current.CancellationToken);
        }
        else
        {
            await _api.CreateAsync(map, cancellationToken: TestContext.Current.CancellationToken);
        }
    }
}
