using System.Text.Json;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Cilium;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Cluster.Informers;

/// <summary>The list+watch calls of every resource the caches hold.</summary>
internal static class KubernetesResources
{
    public static IListWatchClient<V1Pod> Pods(IKubernetes client) =>
        new KubernetesListWatchClient<V1Pod, V1PodList>(
            "pods",
            (limit, continueToken, ct) => client.CoreV1.ListPodForAllNamespacesAsync(
                limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, onError, ct) => client.CoreV1.WatchListPodForAllNamespacesAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                onError: onError, cancellationToken: ct));

    /// <summary>The pods of one namespace matching a label selector, e.g. the Cilium agents.</summary>
    public static IListWatchClient<V1Pod> Pods(IKubernetes client, string podNamespace, string labelSelector) =>
        new KubernetesListWatchClient<V1Pod, V1PodList>(
            $"pods in {podNamespace} matching {labelSelector}",
            (limit, continueToken, ct) => client.CoreV1.ListNamespacedPodAsync(
                podNamespace, labelSelector: labelSelector, limit: limit, continueParameter: continueToken,
                cancellationToken: ct),
            (resourceVersion, timeoutSeconds, onError, ct) => client.CoreV1.WatchListNamespacedPodAsync(
                podNamespace, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: ct));

    public static IListWatchClient<V1Node> Nodes(IKubernetes client) =>
        new KubernetesListWatchClient<V1Node, V1NodeList>(
            "nodes",
            (limit, continueToken, ct) => client.CoreV1.ListNodeAsync(
                limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, onError, ct) => client.CoreV1.WatchListNodeAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                onError: onError, cancellationToken: ct));

    public static IListWatchClient<V1Namespace> Namespaces(IKubernetes client) =>
        new KubernetesListWatchClient<V1Namespace, V1NamespaceList>(
            "namespaces",
            (limit, continueToken, ct) => client.CoreV1.ListNamespaceAsync(
                limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, onError, ct) => client.CoreV1.WatchListNamespaceAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                onError: onError, cancellationToken: ct));

    /// <summary>One Lease, watched through a field selector on its name.</summary>
    public static IListWatchClient<V1Lease> Lease(IKubernetes client, string leaseNamespace, string name) =>
        new KubernetesListWatchClient<V1Lease, V1LeaseList>(
            $"lease {leaseNamespace}/{name}",
            (limit, continueToken, ct) => client.CoordinationV1.ListNamespacedLeaseAsync(
                leaseNamespace, fieldSelector: $"metadata.name={name}", limit: limit, continueParameter: continueToken,
                cancellationToken: ct),
            (resourceVersion, timeoutSeconds, onError, ct) => client.CoordinationV1.WatchListNamespacedLeaseAsync(
                leaseNamespace, allowWatchBookmarks: true, fieldSelector: $"metadata.name={name}",
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: ct));

    /// <summary>The CNI's endpoints (<c>Cni:EndpointResource</c>, Cilium's CiliumEndpoints by default), cluster-wide.</summary>
    public static IListWatchClient<CiliumEndpoint> Endpoints(IKubernetes client, EndpointResource resource) =>
        new KubernetesListWatchClient<CiliumEndpoint, CiliumEndpointList>(
            resource.Plural,
            (limit, continueToken, ct) => client.CustomObjects.ListClusterCustomObjectAsync<CiliumEndpointList>(
                resource.Group, resource.Version, resource.Plural,
                limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, onError, ct) => client.CustomObjects
                .WatchListClusterCustomObjectAsync(
                    resource.Group, resource.Version, resource.Plural, allowWatchBookmarks: true,
                    resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: ct)
                .Select(change => (change.Item1, AsEndpoint(change.Item2))));

    // Custom-object watches hand out untyped JSON.
    private static CiliumEndpoint AsEndpoint(object item) => item is JsonElement json
        ? KubernetesJson.Deserialize<CiliumEndpoint>(json)
        : throw new InvalidDataException($"an endpoint watch returned {item.GetType().Name}, not JSON");
}
