using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Cilium;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Cluster;

/// <summary>Where each cache lists and watches from: the API server in production, scripted fakes in tests.</summary>
internal sealed record ClusterSources(
    IListWatchClient<DecodedPod> Pods,
    IListWatchClient<DecodedPod> AgentPods,
    IListWatchClient<V1Node> Nodes,
    IListWatchClient<V1Namespace> Namespaces,
    IListWatchClient<CiliumEndpoint> Endpoints,
    IListWatchClient<V1Lease> Lease,
    IListWatchClient<V1PodDisruptionBudget> DisruptionBudgets)
{
    public static ClusterSources FromApiServer(Kubernetes client, CniOptions cni, LeaderElectionOptions leaderElection)
    {
        ArgumentNullException.ThrowIfNull(cni);
        ArgumentNullException.ThrowIfNull(leaderElection);
        return new ClusterSources(
            KubernetesResources.Pods(client),
            KubernetesResources.Pods(client, cni.AgentNamespace, cni.AgentSelector),
            KubernetesResources.Nodes(client),
            KubernetesResources.Namespaces(client),
            KubernetesResources.Endpoints(client, EndpointResource.Parse(cni.EndpointResource)),
            KubernetesResources.Lease(client, leaderElection.LeaseNamespace, leaderElection.LeaseName),
            KubernetesResources.DisruptionBudgets(client));
    }
}
