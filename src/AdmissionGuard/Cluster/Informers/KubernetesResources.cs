using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Cilium;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Cluster.Informers;

/// <summary>The list+watch calls of every resource the guard reads: the caches' and the restart history's.</summary>
internal static class KubernetesResources
{
    public static IListWatchClient<DecodedPod> Pods(Kubernetes client) =>
        new KubernetesListWatchClient<DecodedPod, DecodedPodList>(client, "pods", "api/v1/pods");

    /// <summary>The pods of one namespace matching a label selector, e.g. the Cilium agents.</summary>
    public static IListWatchClient<DecodedPod> Pods(Kubernetes client, string podNamespace, string labelSelector) =>
        new KubernetesListWatchClient<DecodedPod, DecodedPodList>(
            client, $"pods in {podNamespace} matching {labelSelector}", $"api/v1/namespaces/{Uri.EscapeDataString(podNamespace)}/pods",
            $"labelSelector={Uri.EscapeDataString(labelSelector)}");

    public static IListWatchClient<V1Node> Nodes(Kubernetes client) =>
        new KubernetesListWatchClient<V1Node, V1NodeList>(client, "nodes", "api/v1/nodes");

    public static IListWatchClient<V1Namespace> Namespaces(Kubernetes client) =>
        new KubernetesListWatchClient<V1Namespace, V1NamespaceList>(client, "namespaces", "api/v1/namespaces");

    public static IListWatchClient<V1PodDisruptionBudget> DisruptionBudgets(Kubernetes client) =>
        new KubernetesListWatchClient<V1PodDisruptionBudget, V1PodDisruptionBudgetList>(
            client, "poddisruptionbudgets", "apis/policy/v1/poddisruptionbudgets");

    /// <summary>One Lease, watched through a field selector on its name.</summary>
    public static IListWatchClient<V1Lease> Lease(Kubernetes client, string leaseNamespace, string name) =>
        new KubernetesListWatchClient<V1Lease, V1LeaseList>(
            client, $"lease {leaseNamespace}/{name}", $"apis/coordination.k8s.io/v1/namespaces/{Uri.EscapeDataString(leaseNamespace)}/leases",
            $"fieldSelector={Uri.EscapeDataString($"metadata.name={name}")}");

    /// <summary>Events of every namespace matching a field selector, e.g. those one component recorded.</summary>
    public static IListWatchClient<Corev1Event> Events(Kubernetes client, string fieldSelector) =>
        new KubernetesListWatchClient<Corev1Event, Corev1EventList>(
            client, $"events matching {fieldSelector}", "api/v1/events", $"fieldSelector={Uri.EscapeDataString(fieldSelector)}");

    /// <summary>The CNI's endpoints (<c>Cni:EndpointResource</c>, Cilium's CiliumEndpoints by default), cluster-wide.</summary>
    public static IListWatchClient<CiliumEndpoint> Endpoints(Kubernetes client, EndpointResource resource) =>
        new KubernetesListWatchClient<CiliumEndpoint, CiliumEndpointList>(
            client, resource.Plural, $"apis/{resource.Group}/{resource.Version}/{resource.Plural}");
}
