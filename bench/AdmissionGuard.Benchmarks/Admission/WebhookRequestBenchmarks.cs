using System.Text;
using AdmissionGuard.Cluster;
using BenchmarkDotNet.Attributes;

namespace AdmissionGuard.Benchmarks.Admission;

/// <summary>
/// The webhook's whole request path in process: Kestrel on a loopback HTTPS port (one kept-alive TLS connection, as
/// the apiserver keeps one), a raw AdmissionReview POSTed, routing, decoding, the decision, the response written and
/// read, against the 1,000-node snapshot of <see cref="AdmissionCluster"/>. Logging at Warning, so the per-request
/// Information lines are not written.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class WebhookRequestBenchmarks
{
    private ClusterCaches _caches = null!;
    private WebhookHost _webhook = null!;
    private byte[] _pinnedToTainted = [];
    private byte[] _unpinnedTolerating = [];
    private byte[] _bindingToTainted = [];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _webhook.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _caches.Dispose();
    }

    [Benchmark(Description = "POST /mutate-pods: DaemonSet pod pinned to a tainted node (gate patch)")]
    public Task<int> MutatePinnedPod() => _webhook.PostAsync("/mutate-pods", _pinnedToTainted);

    [Benchmark(Description = "POST /mutate-pods: unpinned pod tolerating everything (warning, 1,000 nodes)")]
    public Task<int> MutateUnpinnedPod() => _webhook.PostAsync("/mutate-pods", _unpinnedTolerating);

    [Benchmark(Description = "POST /validate-pods: binding onto a tainted node (denied)")]
    public Task<int> ValidateBinding() => _webhook.PostAsync("/validate-pods", _bindingToTainted);

    private async Task SetupAsync()
    {
        ClusterSnapshot snapshot;
        (_caches, snapshot) = await AdmissionCluster.StartAsync();
        _webhook = await WebhookHost.StartAsync(snapshot);
        _pinnedToTainted = Encoding.UTF8.GetBytes(AdmissionCluster.GateReview());
        _unpinnedTolerating = Encoding.UTF8.GetBytes(AdmissionCluster.WarnReview());
        _bindingToTainted = Encoding.UTF8.GetBytes(AdmissionCluster.BindingReview());
        foreach (var (path, body) in new[] { ("/mutate-pods", _pinnedToTainted), ("/mutate-pods", _unpinnedTolerating), ("/validate-pods", _bindingToTainted) })
        {
            if (await _webhook.PostAsync(path, body) != 200)
            {
                throw new InvalidOperationException($"the webhook did not answer {path} with 200: the benchmark would measure an error path");
            }
        }
    }
}
