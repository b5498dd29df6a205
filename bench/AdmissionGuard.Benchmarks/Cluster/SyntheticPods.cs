using System.Text.Json;
using AdmissionGuard.Cluster.Informers;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Benchmarks.Cluster;

/// <summary>
/// A realistic large cluster's pods: 1,000 nodes, 40 namespaces, Deployments of 5 replicas and 10 DaemonSets
/// (one pod per node), with the labels, tolerations, owners and status the API server would send. Each page
/// goes through JSON like a real list response, so no string is shared between pods unless the cache shares it.
/// </summary>
internal static class SyntheticPods
{
    public const int Nodes = 1000;
    private const int DaemonSets = 10;
    /// <summary>Pods start within the hour after this instant.</summary>
    public static readonly DateTime Started = new(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);

    public static string NodeName(int node) => $"ip-10-0-{node / 250}-{node % 250}.eu-west-1.compute.internal";

    /// <summary>A page as the caches receive it: the list's JSON read by the guard's pod decoder.</summary>
    public static IReadOnlyList<DecodedPod> Page(int first, int count)
    {
        var list = new V1PodList { Items = Enumerable.Range(first, count).Select(Pod).ToList(), Metadata = new V1ListMeta() };
        return [.. JsonSerializer.Deserialize<DecodedPodList>(KubernetesJson.Serialize(list), ListWatchJson.Options)!.Items];
    }

    /// <summary>One pod as the caches receive it (see <see cref="Page"/>).</summary>
    public static DecodedPod Decode(V1Pod pod) =>
        JsonSerializer.Deserialize<DecodedPod>(KubernetesJson.Serialize(pod), ListWatchJson.Options)!;

    /// <summary>A unique UID per pod, the same on every list, so that endpoints can be made to match it.</summary>
    public static string PodUid(int index) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{index:d8}-5e1f-4000-8000-{index:d12}");

    public static V1Pod Pod(int index) => index % 10 < 2 ? DaemonSetPod(index) : DeploymentPod(index);

    private static V1Pod DeploymentPod(int index)
    {
        var deployment = index / 5;
        var team = $"team-{deployment % 40}";
        var app = $"service-{deployment}";
        var hash = $"{deployment * 7919 % 0xFFFFFF:x6}f{deployment % 10}";
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = $"{app}-{hash}-{index % 100000:d5}x",
                NamespaceProperty = team,
                Uid = PodUid(index),
                ResourceVersion = $"{1000000 + index}",
                Labels = new Dictionary<string, string>
                {
                    ["app"] = app,
                    ["app.kubernetes.io/name"] = app,
                    ["app.kubernetes.io/part-of"] = team,
                    ["pod-template-hash"] = hash,
                },
                Annotations = new Dictionary<string, string> { ["kubectl.kubernetes.io/restartedAt"] = "2026-11-01T08:00:00Z" },
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = $"{app}-{hash}", Uid = $"{deployment:d8}-0000-4000-8000-000000000000",
                        Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = new V1PodSpec
            {
                NodeName = NodeName(index % Nodes),
                Containers = [Container(app)],
                Tolerations =
                [
                    new V1Toleration { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
                    new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
                ],
            },
            Status = RunningStatus(index),
        };
    }

    private static V1Pod DaemonSetPod(int index)
    {
        var daemonSet = index % DaemonSets;
        var node = index / DaemonSets % Nodes;
        var app = $"node-agent-{daemonSet}";
        var tolerations = new List<V1Toleration>
        {
            new() { OperatorProperty = "Exists", Effect = "NoExecute" },
            new() { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute" },
            new() { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute" },
            new() { Key = "node.kubernetes.io/disk-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
            new() { Key = "node.kubernetes.io/memory-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
            new() { Key = "node.kubernetes.io/pid-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
            new() { Key = "node.kubernetes.io/unschedulable", OperatorProperty = "Exists", Effect = "NoSchedule" },
        };
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = $"{app}-{index:x5}",
                NamespaceProperty = "kube-system",
                Uid = PodUid(index),
                ResourceVersion = $"{1000000 + index}",
                Labels = new Dictionary<string, string>
                {
                    ["app"] = app,
                    ["controller-revision-hash"] = $"{daemonSet * 31 % 0xFFFF:x4}bd9c",
                    ["pod-template-generation"] = "3",
                },
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "apps/v1", Kind = "DaemonSet", Name = app, Uid = $"{daemonSet:d8}-1111-4000-8000-000000000000",
                        Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = new V1PodSpec
            {
                NodeName = NodeName(node),
                Containers = [Container(app)],
                Tolerations = tolerations,
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
                                    MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [NodeName(node)] }],
                                },
                            ],
                        },
                    },
                },
            },
            Status = RunningStatus(index),
        };
    }

    private static V1Container Container(string app) => new()
    {
        Name = app,
        Image = $"registry.example.com/{app}:1.4.2",
        Ports = [new V1ContainerPort { ContainerPort = 8080, Name = "http", Protocol = "TCP" }],
        Env = [new V1EnvVar { Name = "LOG_LEVEL", Value = "info" }, new V1EnvVar { Name = "APP", Value = app }],
        Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
        },
    };

    private static V1PodStatus RunningStatus(int index)
    {
        var start = Started.AddSeconds(index % 3600);
        return new V1PodStatus
        {
            Phase = "Running",
            StartTime = start,
            PodIP = $"10.1.{index / 250 % 250}.{index % 250}",
            HostIP = $"10.0.{index / 250 % 4}.{index % 250}",
            Conditions =
            [
                new V1PodCondition { Type = "Initialized", Status = "True", LastTransitionTime = start },
                new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = start },
                new V1PodCondition { Type = "ContainersReady", Status = "True", LastTransitionTime = start },
                new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = start },
            ],
        };
    }
}
