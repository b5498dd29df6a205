using System.Runtime.CompilerServices;
using System.Text.Json;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Core.Pods;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Cluster;

/// <summary>Pods as the caches receive them: their JSON read by the production decoder (<see cref="DecodedPodConverter"/>).</summary>
internal static class DecodedPods
{
    public static DecodedPod Decode(string json) =>
        JsonSerializer.Deserialize<DecodedPod>(json, ListWatchJson.Options) ?? throw new InvalidDataException("null pod");

    public static DecodedPod Decode(V1Pod pod) => Decode(KubernetesJson.Serialize(pod));

    public static PodFacts Facts(V1Pod pod) => Decode(pod).Fields.ToPodFacts();

    /// <summary>A scripted transport of <c>V1Pod</c>s, seen by the caches through JSON and the decoder.</summary>
    public static IListWatchClient<DecodedPod> Decoding(IListWatchClient<V1Pod> pods) => new DecodingClient(pods);

    private sealed class DecodingClient(IListWatchClient<V1Pod> pods) : IListWatchClient<DecodedPod>
    {
        public string Resource => pods.Resource;

        public async Task<ListPage<DecodedPod>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken)
        {
            var page = await pods.ListAsync(limit, continueToken, cancellationToken);
            return new ListPage<DecodedPod>([.. page.Items.Select(Decode)], page.ResourceVersion, page.Continue);
        }

        public async Task<IAsyncEnumerable<(WatchEventType Type, DecodedPod Object)>> WatchAsync(
            string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken) =>
            Decoded(await pods.WatchAsync(resourceVersion, timeout, cancellationToken), cancellationToken);

        private static async IAsyncEnumerable<(WatchEventType Type, DecodedPod Object)> Decoded(
            IAsyncEnumerable<(WatchEventType Type, V1Pod Object)> events, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var (type, pod) in events.WithCancellation(cancellationToken))
            {
                yield return (type, Decode(pod));
            }
        }
    }
}
