using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Configuration;
using AdmissionGuard.Playground;
using k8s;

namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>What the scenarios read from the cluster, and how they wait for it.</summary>
internal static class Observe
{
    /// <summary>Long enough for a loaded 2-core machine; every wait returns as soon as its condition holds.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    public static async Task<IReadOnlyList<PodState>> PodsAsync(IKubernetes client, string objectNamespace, CancellationToken cancellationToken) =>
        [.. (await client.CoreV1.ListNamespacedPodAsync(objectNamespace, cancellationToken: cancellationToken)).Items.Select(PodState.From)];

    /// <summary>CiliumEndpoints as <c>namespace/name</c> to the uid of the pod that owns them (empty when none are served).</summary>
    public static async Task<IReadOnlyDictionary<string, string?>> EndpointOwnersAsync(Kubernetes client, CancellationToken cancellationToken)
    {
        try
        {
            var page = await KubernetesResources.Endpoints(client, EndpointResource.Cilium).ListAsync(10_000, null, cancellationToken);
            return page.Items.ToDictionary(
                e => $"{e.Metadata.NamespaceProperty}/{e.Metadata.Name}", e => e.Metadata.OwnerReferences?.FirstOrDefault()?.Uid, StringComparer.Ordinal);
        }
        catch (ResourceNotServedException)
        {
            return new Dictionary<string, string?>();
        }
    }

    /// <summary>Whether Cilium manages the pod: a CiliumEndpoint of its name owned by its uid.</summary>
    public static bool IsManaged(this IReadOnlyDictionary<string, string?> endpointOwners, PodState pod) =>
        endpointOwners.TryGetValue($"{pod.Namespace}/{pod.Name}", out var owner) && owner == pod.Uid;

    public static Task UntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken) =>
        GuardOnSandbox.PollAsync(condition, what, Patience, cancellationToken);
}
