using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Core.Pods;
using BenchmarkDotNet.Attributes;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace AdmissionGuard.Benchmarks.Cluster;

/// <summary>
/// What 50,000 cached pods cost: the memory the filled cache keeps (printed by the setup as "retained", with and
/// without <see cref="FactsCompactor"/>), the time and allocations of listing them into the cache, of
/// projecting one list page, and of snapshot reads.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PodCacheBenchmarks
{
    private const int PodCount = 50_000;
    private ClusterCaches _caches = null!;
    private ClusterSnapshot _snapshot = null!;
    private (string Namespace, string Name)[] _pods = [];
    private string[] _nodes = [];
    private IReadOnlyList<DecodedPod> _page = [];
    private FactsCompactor _compactor = null!;

    // Synchronous on purpose: an async setup keeps the last awaited task, and the cache in it, reachable,
    // which would distort the retained-memory figures.
    [GlobalSetup]
    public void Setup()
    {
        // The first fill also pays one-time costs (JSON metadata, JIT): measure after it.
        Fill().Dispose();
        ReportRetained("ToPodFacts only", pod => pod.Fields.ToPodFacts());
        var compactor = new FactsCompactor();
        ReportRetained("with FactsCompactor", pod => compactor.Pod(pod));
        _caches = Fill();
        _snapshot = new ClusterSnapshot(_caches, TimeProvider.System);
        _pods = [.. _snapshot.Pods.Take(1000).Select(pod => (pod.Namespace, pod.Name))];
        _nodes = [.. Enumerable.Range(0, 1000).Select(SyntheticPods.NodeName)];
        _page = SyntheticPods.Page(0, 500);
        _compactor = new FactsCompactor();
        _compactor.Pod(_page[0]);
    }

    [GlobalCleanup]
    public void Cleanup() => _caches.Dispose();

    [Benchmark(Description = "list 50k pods into the cache (JSON, projection, store)")]
    public async Task<int> ListIntoCache()
    {
        using var caches = await FillAsync();
        return caches.Pods.Count;
    }

    [Benchmark(Description = "project a page of 500 decoded pods, ToPodFacts only")]
    public int ProjectPagePlain() => _page.Select(pod => pod.Fields.ToPodFacts()).Count(facts => facts.Ready);

    [Benchmark(Description = "project a page of 500 decoded pods, compacted")]
    public int ProjectPageCompacted() => _page.Select(pod => _compactor.Pod(pod)).Count(facts => facts.Ready);

    [Benchmark(Description = "1,000 snapshot GetPod")]
    public int GetPods()
    {
        var found = 0;
        foreach (var (podNamespace, name) in _pods)
        {
            found += _snapshot.GetPod(podNamespace, name) is null ? 0 : 1;
        }

        return found;
    }

    [Benchmark(Description = "1,000 snapshot GetNode")]
    public int GetNodes()
    {
        var ready = 0;
        foreach (var node in _nodes)
        {
            ready += _snapshot.GetNode(node)?.AgentReady == true ? 1 : 0;
        }

        return ready;
    }

    [Benchmark(Description = "enumerate 50k snapshot pods")]
    public int EnumerateAll() => _snapshot.Pods.Count(pod => pod.Ready);

    private static void ReportRetained(string label, Func<DecodedPod, PodFacts> project)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var informer = FillInformerAsync(project).GetAwaiter().GetResult();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"// retained by {informer.Count:N0} cached pods, {label}: " +
                          $"{(after - before) / 1024.0 / 1024.0:F1} MiB, {(after - before) / PodCount:N0} bytes per pod");
        GC.KeepAlive(informer);
    }

    private static async Task<Informer<DecodedPod, PodFacts>> FillInformerAsync(Func<DecodedPod, PodFacts> project)
    {
        var informer = new Informer<DecodedPod, PodFacts>(
            new SyntheticPodSource(PodCount), project, pod => new ObjectKey(pod.Namespace, pod.Name),
            TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None);
        await stop.CancelAsync();
        await running;
        return informer;
    }

    private static ClusterCaches Fill() => FillAsync().GetAwaiter().GetResult();

    // Every other node has a Ready agent.
    private static Task<ClusterCaches> FillAsync() => SyntheticCluster.FillAsync(new ClusterSources(
        new SyntheticPodSource(PodCount),
        new FixedSource<DecodedPod>("agent pods", [.. Enumerable.Range(0, SyntheticPods.Nodes).Select(node => SyntheticPods.Decode(SyntheticCluster.AgentPod(node, ready: node % 2 == 0)))]),
        new FixedSource<V1Node>("nodes", [.. Enumerable.Range(0, SyntheticPods.Nodes).Select(node => SyntheticCluster.Node(node))]),
        new FixedSource<V1Namespace>("namespaces"),
        new FixedSource<CiliumEndpoint>("ciliumendpoints"),
        new FixedSource<V1Lease>("lease"),
        new FixedSource<V1PodDisruptionBudget>("poddisruptionbudgets")));
}
