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
            (resourceVersion, timeoutSeconds, ct) => client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                watch: true, cancellationToken: ct));

    /// <summary>The pods of one namespace matching a label selector, e.g. the Cilium agents.</summary>
    public static IListWatchClient<V1Pod> Pods(IKubernetes client, string podNamespace, string labelSelector) =>
        new KubernetesListWatchClient<V1Pod, V1PodList>(
            $"pods in {podNamespace} matching {labelSelector}",
            (limit, continueToken, ct) => client.CoreV1.ListNamespacedPodAsync(
                podNamespace, labelSelector: labelSelector, limit: limit, continueParameter: continueToken,
                cancellationToken: ct),
            (resourceVersion, timeoutSeconds, ct) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(
                podNamespace, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: ct));

    public static IListWatchClient<V1Node> Nodes(IKubernetes client) =>
        new KubernetesListWatchClient<V1Node, V1NodeList>(
            "nodes",
            (limit, continueToken, ct) => client.CoreV1.ListNodeAsync(
                limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, ct) => client.CoreV1.ListNodeWithHttpMessagesAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                watch: true, cancellationToken: ct));

    public static IListWatchClient<V1Namespace> Namespaces(IKubernetes client) =>
        new KubernetesListWatchClient<V1Namespace, V1NamespaceList>(
            "namespaces",
            (limit, continueToken, ct) => client.CoreV1.ListNamespaceAsync(
                limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, ct) => client.CoreV1.ListNamespaceWithHttpMessagesAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                watch: true, cancellationToken: ct));

    public static IListWatchClient<V1PodDisruptionBudget> DisruptionBudgets(IKubernetes client) =>
        new KubernetesListWatchClient<V1PodDisruptionBudget, V1PodDisruptionBudgetList>(
            "poddisruptionbudgets",
            (limit, continueToken, ct) => client.PolicyV1.ListPodDisruptionBudgetForAllNamespacesAsync(
                limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, ct) => client.PolicyV1.ListPodDisruptionBudgetForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                watch: true, cancellationToken: ct));

    /// <summary>One Lease, watched through a field selector on its name.</summary>
    public static IListWatchClient<V1Lease> Lease(IKubernetes client, string leaseNamespace, string name) =>
        new KubernetesListWatchClient<V1Lease, V1LeaseList>(
            $"lease {leaseNamespace}/{name}",
            (limit, continueToken, ct) => client.CoordinationV1.ListNamespacedLeaseAsync(
                leaseNamespace, fieldSelector: $"metadata.name={name}", limit: limit, continueParameter: continueToken,
                cancellationToken: ct),
            (resourceVersion, timeoutSeconds, ct) => client.CoordinationV1.ListNamespacedLeaseWithHttpMessagesAsync(
                leaseNamespace, allowWatchBookmarks: true, fieldSelector: $"metadata.name={name}",
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: ct));

    /// <summary>The CNI's endpoints (<c>Cni:EndpointResource</c>, Cilium's CiliumEndpoints by default), cluster-wide.</summary>
    public static IListWatchClient<CiliumEndpoint> Endpoints(IKubernetes client, EndpointResource resource) =>
        new KubernetesListWatchClient<CiliumEndpoint, CiliumEndpointList>(
            resource.Plural,
            (limit, continueToken, ct) => client.CustomObjects.ListClusterCustomObjectAsync<CiliumEndpointList>(
                resource.Group, resource.Version, resource.Plural,
                limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, ct) => client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<CiliumEndpointList>(
                resource.Group, resource.Version, resource.Plural, allowWatchBookmarks: true,
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: ct));
}
