using System.Globalization;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using BenchmarkDotNet.Attributes;
using k8s;

namespace AdmissionGuard.Benchmarks;

/// <summary>
/// The sandbox holding 50,000 pods (10 namespaces): listing them all and starting a watch, in process and over
/// HTTP (loopback, plain HTTP, response fully read). Goal: each well under a second; one page O(page size).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class SandboxScaleBenchmarks
{
    private const int PodCount = 50_000;
    private const int NamespaceCount = 10;
    private SandboxServer _sandbox = null!;
    private string _middle = "";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(5) };

    [GlobalSetup]
    public async Task StartAsync()
    {
        _sandbox = await SandboxServer.StartAsync();
        var api = _sandbox.Api;
        for (var n = 0; n < NamespaceCount; n++)
        {
            await api.CreateAsync(ResourceTypes.Namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = $"team-{n}" } });
        }

        for (var i = 0; i < PodCount; i++)
        {
            var pod = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"pod-{i:D5}",
                    ["labels"] = new JsonObject { ["app"] = $"app-{i % 100}", ["tier"] = i % 2 == 0 ? "web" : "db" },
                },
                ["spec"] = new JsonObject
                {
                    ["nodeName"] = $"node-{i % 500}",
                    ["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists" }),
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "app",
                        ["image"] = "registry.example/app:1.2.3",
                        ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" } },
                    }),
                },
            };
            await api.CreateAsync(ResourceTypes.Pods, $"team-{i % NamespaceCount}", pod);
        }

        _middle = api.List(ResourceTypes.Pods, null, new ListOptions { Limit = PodCount / 2 }).Continue!;
    }

    [GlobalCleanup]
    public async Task StopAsync()
    {
        await _sandbox.DisposeAsync();
    }

    [Benchmark(Description = "in-process list of 50,000 pods")]
    public int ListInProcess() => _sandbox.Api.List(ResourceTypes.Pods, null).Items.Count;

    [Benchmark(Description = "in-process list with label selector tier=web")]
    public int ListInProcessWithSelector() =>
        _sandbox.Api.List(ResourceTypes.Pods, null, new ListOptions { LabelSelector = "tier=web" }).Items.Count;

    [Benchmark(Description = "in-process first 500-item page")]
    public int FirstPageInProcess() => _sandbox.Api.List(ResourceTypes.Pods, null, new ListOptions { Limit = 500 }).Items.Count;

    [Benchmark(Description = "in-process 500-item page from the middle (continue token at item 25,000)")]
    public int MiddlePageInProcess() => _sandbox.Api.List(ResourceTypes.Pods, null, new ListOptions { Limit = 500, Continue = _middle }).Items.Count;

    [Benchmark(Description = "HTTP GET /api/v1/pods?limit=500 from the middle (body read)")]
    public async Task<long> MiddlePageOverHttp()
    {
        using var response = await Http.GetAsync(new Uri(_sandbox.HttpUrl, $"/api/v1/pods?limit=500&continue={Uri.EscapeDataString(_middle)}"), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        return await DrainAsync(body);
    }

    [Benchmark(Description = "in-process watch start from now")]
    public int WatchInProcessFromNow()
    {
        using var watch = _sandbox.Api.Watch(ResourceTypes.Pods, null, new WatchOptions { ResourceVersion = Revision });
        return watch.Backlog.Count;
    }

    [Benchmark(Description = "in-process watch start with 50,000 ADDED")]
    public int WatchInProcessFromZero()
    {
        using var watch = _sandbox.Api.Watch(ResourceTypes.Pods, null);
        return watch.Backlog.Count;
    }

    [Benchmark(Description = "HTTP GET /api/v1/pods (50,000 items, body read)")]
    public async Task<long> ListOverHttp()
    {
        using var response = await Http.GetAsync(new Uri(_sandbox.HttpUrl, "/api/v1/pods"), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        return await DrainAsync(body);
    }

    [Benchmark(Description = "KubernetesClient ListPodForAllNamespaces (HTTPS, deserialized)")]
    public async Task<int> ListWithKubernetesClient() => (await _sandbox.Client.CoreV1.ListPodForAllNamespacesAsync()).Items.Count;

    [Benchmark(Description = "HTTP watch from now: time to first byte of the stream")]
    public async Task<int> WatchOverHttpFromNow()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_sandbox.HttpUrl, $"/api/v1/pods?watch=true&resourceVersion={Revision}&timeoutSeconds=1"));
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (int)response.StatusCode;
    }

    [Benchmark(Description = "HTTP watch from 0: 50,000 ADDED events read")]
    public async Task<int> WatchOverHttpFromZero()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_sandbox.HttpUrl, "/api/v1/pods?watch=true"));
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = 0;
        while (events < PodCount && await reader.ReadLineAsync() is not null)
        {
            events++;
        }

        return events;
    }

    private string Revision => _sandbox.Api.Store.Revision.ToString(CultureInfo.InvariantCulture);

    private static async Task<long> DrainAsync(Stream body)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }
}
