using AdmissionGuard.Cluster.Informers;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Cluster.Owners;

/// <summary>The list+watch calls of the controllers' caches (apps/v1, every namespace).</summary>
internal static class OwnerResources
{
    public static IListWatchClient<V1DaemonSet> DaemonSets(IKubernetes client) =>
        new KubernetesListWatchClient<V1DaemonSet, V1DaemonSetList>(
            "daemonsets",
            (limit, continueToken, ct) => client.AppsV1.ListDaemonSetForAllNamespacesAsync(limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, ct) => client.AppsV1.ListDaemonSetForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: ct));

    public static IListWatchClient<V1ReplicaSet> ReplicaSets(IKubernetes client) =>
        new KubernetesListWatchClient<V1ReplicaSet, V1ReplicaSetList>(
            "replicasets",
            (limit, continueToken, ct) => client.AppsV1.ListReplicaSetForAllNamespacesAsync(limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, ct) => client.AppsV1.ListReplicaSetForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: ct));

    public static IListWatchClient<V1Deployment> Deployments(IKubernetes client) =>
        new KubernetesListWatchClient<V1Deployment, V1DeploymentList>(
            "deployments",
            (limit, continueToken, ct) => client.AppsV1.ListDeploymentForAllNamespacesAsync(limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, ct) => client.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: ct));

    public static IListWatchClient<V1StatefulSet> StatefulSets(IKubernetes client) =>
        new KubernetesListWatchClient<V1StatefulSet, V1StatefulSetList>(
            "statefulsets",
            (limit, continueToken, ct) => client.AppsV1.ListStatefulSetForAllNamespacesAsync(limit: limit, continueParameter: continueToken, cancellationToken: ct),
            (resourceVersion, timeoutSeconds, ct) => client.AppsV1.ListStatefulSetForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true, cancellationToken: ct));
}
