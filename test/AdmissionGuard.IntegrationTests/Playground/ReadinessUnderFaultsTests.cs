using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AdmissionGuard.Core;
using AdmissionGuard.Playground;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Playground;

/// <summary>
/// Readiness tells the truth while the API server is unhealthy for the guard (the sandbox's fault injection): the
/// replica turns unready with the reason once a cache admission reads is stale, stays live, keeps answering admission
/// from what it last saw, and turns ready again once the API server recovers.
/// </summary>
public sealed partial class ReadinessUnderFaultsTests
{
    private const string Node = "node-1";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Failing_lists_and_watches_make_the_replica_unready_with_the_reason_while_admission_keeps_answering()
    {
        await using var playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions { Settings = new Dictionary<string, string> { ["Kubernetes:CacheStaleness"] = "00:00:02" } }, Token);
        await playground.Cluster.AddNodeAsync(Node, cancellationToken: Token);
        await playground.WaitUntilCachedAsync(cluster => cluster.GetNode(Node) is not null, $"node {Node}", cancellationToken: Token);
        using var health = new HttpClient { BaseAddress = playground.Instances[0].Addresses.Health };
        (await GetAsync(health, "/readyz")).Status.Should().Be(HttpStatusCode.OK);

        var faults = playground.Sandbox.Faults;
        faults.User = GuardOnSandbox.ServiceAccountUser;
        faults.SetErrorRate("list", 1);
        faults.SetErrorRate("watch", 1, 503);
        faults.DropWatchStreams();

        // Each cache notices its own dropped watch: on a loaded machine one may turn stale a moment before the others.
        var (status, body) = await UntilAsync(
            () => GetAsync(health, "/readyz"),
            r => r.Status == HttpStatusCode.ServiceUnavailable && r.Body.Contains("nodes for ", StringComparison.Ordinal) && r.Body.Contains("namespaces for ", StringComparison.Ordinal),
            "the replica to turn unready naming the node and namespace caches");
        body.Should().StartWith("Unhealthy\ncluster-caches: out of sync longer than Kubernetes:CacheStaleness (00:00:02): ")
            .And.Contain("nodes for ").And.Contain("namespaces for ").And.Contain("injected fault on");
        (await GetAsync(health, "/healthz")).Status.Should().Be(HttpStatusCode.OK, "a stale cache is no reason to restart the process");
        StaleSeconds((await GetAsync(health, "/metrics")).Body, "nodes").Should().BeGreaterThan(2);

        var pinned = await playground.Client.CoreV1.CreateNamespacedPodAsync(PinnedPod("pinned"), "default", cancellationToken: Token);
        pinned.Spec.SchedulingGates.Should().ContainSingle("admission still answers from the cache it has")
            .Which.Name.Should().Be(WellKnown.SchedulingGate);

        faults.Reset();
        await UntilAsync(() => GetAsync(health, "/readyz"), r => r.Status == HttpStatusCode.OK, "the replica to turn ready again");
        StaleSeconds((await GetAsync(health, "/metrics")).Body, "nodes").Should().Be(0);
    }

    private static double StaleSeconds(string metrics, string resource)
    {
        var match = Regex.Match(metrics, $"^admissionguard_cache_stale_seconds\\{{resource=\"{resource}\"\\}} (\\S+)$", RegexOptions.Multiline);
        match.Success.Should().BeTrue($"the metrics have admissionguard_cache_stale_seconds for {resource}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Token));
    }

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var value = await read();
                if (done(value))
                {
                    return value;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!Token.IsCancellationRequested)
        {
            Assert.Fail($"Timed out waiting for {what}");
            throw;
        }
    }

    private static V1Pod PinnedPod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
            Containers = [new V1Container { Name = "app", Image = "registry.k8s.io/pause:3.10" }],
            Affinity = new V1Affinity
            {
                NodeAffinity = new V1NodeAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                    {
                        NodeSelectorTerms =
                        [
                            new V1NodeSelectorTerm
                            {
                                MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [Node] }],
                            },
                        ],
                    },
                },
            },
        },
    };
}
