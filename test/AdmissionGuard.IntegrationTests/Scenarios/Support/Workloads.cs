using AdmissionGuard.Core;
using AdmissionGuard.Sandbox.Simulation;
using k8s;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>The workloads of the scenarios, created through the API like <c>kubectl apply</c> would.</summary>
internal static class Workloads
{
    /// <summary>Runs on any container runtime (K3s pulls it); the sandbox never runs images.</summary>
    public const string Image = "registry.k8s.io/pause:3.10";

    /// <summary>Tolerates every taint, like <c>ebs-csi-node</c> or <c>istio-cni-node</c>: the pods Cilium misses.</summary>
    public static readonly V1Toleration[] BlanketToleration = [new V1Toleration { OperatorProperty = "Exists" }];

    public static async Task CreateNamespaceAsync(IKubernetes client, string name, CancellationToken cancellationToken, IDictionary<string, string>? labels = null) =>
        await client.CoreV1.CreateNamespaceAsync(
            new V1Namespace { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, cancellationToken: cancellationToken);

    /// <summary>A DaemonSet whose pods tolerate every taint (or run on the host network).</summary>
    public static async Task<V1DaemonSet> CreateDaemonSetAsync(
        IKubernetes client, string objectNamespace, string name, CancellationToken cancellationToken, bool hostNetwork = false, bool optedOut = false)
    {
        var daemonSet = SimulatedWorkloads.DaemonSet(
            name, objectNamespace, new Dictionary<string, string> { ["app"] = name }, Image, hostNetwork, BlanketToleration);
        if (optedOut)
        {
            daemonSet.Spec.Template.Metadata.Labels[WellKnown.IgnoreLabel] = "true";
        }

        return await client.AppsV1.CreateNamespacedDaemonSetAsync(daemonSet, objectNamespace, cancellationToken: cancellationToken);
    }

    /// <summary>A Deployment whose pods tolerate every taint.</summary>
    /// <param name="onNodes">Required node affinity to these nodes (by hostname label).</param>
    public static async Task<V1Deployment> CreateDeploymentAsync(
        IKubernetes client, string objectNamespace, string name, int replicas, IReadOnlyCollection<string> onNodes, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        return await client.AppsV1.CreateNamespacedDeploymentAsync(
            new V1Deployment
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = objectNamespace, Labels = labels },
                Spec = new V1DeploymentSpec { Replicas = replicas, Selector = new V1LabelSelector { MatchLabels = labels }, Template = TolerantTemplate(name, labels, onNodes) },
            },
            objectNamespace,
            cancellationToken: cancellationToken);
    }

    /// <summary>A StatefulSet whose pods tolerate every taint; its pods are named <c>{name}-{ordinal}</c>.</summary>
    /// <param name="onNodes">Required node affinity to these nodes (by hostname label).</param>
    public static async Task<V1StatefulSet> CreateStatefulSetAsync(
        IKubernetes client, string objectNamespace, string name, int replicas, IReadOnlyCollection<string> onNodes, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        return await client.AppsV1.CreateNamespacedStatefulSetAsync(
            new V1StatefulSet
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = objectNamespace, Labels = labels },
                Spec = new V1StatefulSetSpec
                {
                    Replicas = replicas,
                    ServiceName = name,
                    Selector = new V1LabelSelector { MatchLabels = labels },
                    Template = TolerantTemplate(name, labels, onNodes),
                },
            },
            objectNamespace,
            cancellationToken: cancellationToken);
    }

    /// <summary>A pod template that tolerates every taint, required onto <paramref name="onNodes"/>.</summary>
    private static V1PodTemplateSpec TolerantTemplate(string name, Dictionary<string, string> labels, IReadOnlyCollection<string> onNodes) => new()
    {
        Metadata = new V1ObjectMeta { Labels = labels },
        Spec = new V1PodSpec
        {
            Tolerations = BlanketToleration,
            Containers = [new V1Container { Name = name, Image = Image }],
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
                                MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = [.. onNodes] }],
                            },
                        ],
                    },
                },
            },
        },
    };

    public static async Task CreateDisruptionBudgetAsync(IKubernetes client, string objectNamespace, string app, int minAvailable, CancellationToken cancellationToken) =>
        await client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(
            new V1PodDisruptionBudget
            {
                Metadata = new V1ObjectMeta { Name = app, NamespaceProperty = objectNamespace },
                Spec = new V1PodDisruptionBudgetSpec
                {
                    MinAvailable = minAvailable,
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = app } },
                },
            },
            objectNamespace,
            cancellationToken: cancellationToken);

    /// <summary>A bare pod manifest pinned to <paramref name="node"/> the way the DaemonSet controller pins, tolerating every taint.</summary>
    public static string PinnedPodYaml(string name, string objectNamespace, string node) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: {objectNamespace}
        spec:
          tolerations:
          - operator: Exists
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                - matchFields:
                  - key: metadata.name
                    operator: In
                    values: [{node}]
          containers:
          - name: app
            image: {Image}
        """;
}
