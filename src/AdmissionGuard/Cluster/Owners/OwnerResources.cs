using AdmissionGuard.Cluster.Informers;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Cluster.Owners;

/// <summary>The list+watch calls of the controllers' caches (apps/v1, every namespace).</summary>
internal static class OwnerResources
{
    public static IListWatchClient<V1DaemonSet> DaemonSets(Kubernetes client) =>
        new KubernetesListWatchClient<V1DaemonSet, V1DaemonSetList>(client, "daemonsets", "apis/apps/v1/daemonsets");

    public static IListWatchClient<V1ReplicaSet> ReplicaSets(Kubernetes client) =>
        new KubernetesListWatchClient<V1ReplicaSet, V1ReplicaSetList>(client, "replicasets", "apis/apps/v1/replicasets");

    public static IListWatchClient<V1Deployment> Deployments(Kubernetes client) =>
        new KubernetesListWatchClient<V1Deployment, V1DeploymentList>(client, "deployments", "apis/apps/v1/deployments");

    public static IListWatchClient<V1StatefulSet> StatefulSets(Kubernetes client) =>
        new KubernetesListWatchClient<V1StatefulSet, V1StatefulSetList>(client, "statefulsets", "apis/apps/v1/statefulsets");
}
