using AdmissionGuard.Benchmarks.Admission;
using AdmissionGuard.Benchmarks.CommandLine;
using AdmissionGuard.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Benchmarks.Fuzzing;

/// <summary><c>make fuzz</c>: the guard composed as <c>serve</c> composes it, on Kestrel over HTTPS, against the 1,000-node cluster.</summary>
internal static class FuzzCommand
{
    internal const string Usage = "usage: fuzz [REQUESTS [SEED]] (defaults 100000 and 1)";

    /// <summary>The test suite's reviews, each the start of many mutations.</summary>
    public static IReadOnlyList<string> Seeds =>
    [
        AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode().PinnedTo(AdmissionCluster.TaintedNode)),
        AdmissionReviews.PodCreate(PodFixtures.IstioCniNode().PinnedTo(AdmissionCluster.ReadyNode)),
        AdmissionReviews.PodCreate(PodFixtures.AwsNode()),
        AdmissionReviews.PodCreate(PodFixtures.Web(), podNamespace: "default"),
        AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode().PinnedTo(AdmissionCluster.TaintedNode).WithSchedulingGates("example.com/quota")),
        AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode().WithNodeName(AdmissionCluster.TaintedNode)),
        AdmissionReviews.BindingCreate("default", "web", AdmissionCluster.TaintedNode),
        AdmissionReviews.ConfigMapCreate(),
    ];

    /// <summary>
    /// Runs <paramref name="count"/> inputs, or fewer when SIGTERM or Ctrl+C comes: the input in flight finishes, the
    /// guard stops, and the verdict line counts what ran.
    /// </summary>
    public static async Task<int> RunAsync(int count, int seed)
    {
        using var stop = new StopSignals();
        var (caches, snapshot) = await AdmissionCluster.StartAsync();
        FuzzResult result;
        bool alive;
        using (caches)
        {
            // Mutated node names name no node: do not wait for them to arrive in the cache. The guard logs errors only:
            // its per-minute summary of malformed requests is what a fuzz run expects.
            await using var webhook = await WebhookHost.StartAsync(snapshot, ["--Admission:CacheWaitTimeout=00:00:00"], LogLevel.Error);
            Console.WriteLine($"fuzzing {count} inputs (seed {seed}) against {webhook.Client.BaseAddress}");
            result = await new ReviewFuzzer(Seeds, seed).RunAsync(webhook.Client, count, Console.Out, stop.Token);
            alive = await webhook.PostAsync("/mutate-pods", System.Text.Encoding.UTF8.GetBytes(Seeds[0])) == 200;
        }

        if (stop.Received)
        {
            Console.WriteLine($"stopped by a signal after {result.Inputs} of {count} inputs");
        }

        Console.WriteLine($"statuses: {result.StatusCounts}; guard still answering: {alive}");
        var verdict = alive ? result : result with { Crashes = result.Crashes + 1 };
        Console.WriteLine(verdict);
        return verdict.ServerErrors + verdict.Timeouts + verdict.Crashes == 0 ? 0 : 1;
    }
}
