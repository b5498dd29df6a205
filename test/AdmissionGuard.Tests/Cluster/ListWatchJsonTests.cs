using System.Text.Json;
using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Cluster.Owners;
using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Reconciler;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Cluster;

/// <summary>
/// The caches decode list and watch bodies with <see cref="ListWatchJson"/>, which drops what no projection reads:
/// every projection must give the same facts from those slim objects as from the whole object.
/// </summary>
public sealed class ListWatchJsonTests
{
    [Fact]
    public void A_pod_projects_to_the_same_facts_and_leaves_containers_status_details_and_managed_fields_unbuilt()
    {
        var whole = KubernetesJson.Deserialize<V1Pod>(ClusterObjects.EbsCsiNodePod);
        whole.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubelet", Operation = "Update" }];
        whole.Metadata.Annotations["kubernetes.io/config.mirror"] = "abc";
        whole.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "admissionguard.io/cilium-ready" }];
        whole.Spec.HostNetwork = true;
        whole.Metadata.DeletionTimestamp = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

        var slim = Slim(whole);

        PodFacts.From(slim).Should().BeEquivalentTo(PodFacts.From(whole));
        PodFacts.From(slim).Should().Match<PodFacts>(p => p.IsMirror && p.HostNetwork && p.Terminating && p.SchedulingGates.Count == 1);
        slim.Spec.Containers.Should().BeNull();
        slim.Spec.Volumes.Should().BeNull();
        slim.Status.ContainerStatuses.Should().BeNull();
        slim.Status.PodIP.Should().BeNull();
        slim.Metadata.ManagedFields.Should().BeNull();
        slim.Status.Conditions.Should().NotBeEmpty().And.OnlyContain(c => c.LastTransitionTime == null);
        slim.Metadata.OwnerReferences.Should().ContainSingle().Which.ApiVersion.Should().BeNull();
        slim.Metadata.ResourceVersion.Should().Be("184467", "watches resume from the resourceVersion of the last object seen");
    }

    [Fact]
    public void A_pod_pinned_by_node_affinity_keeps_its_target()
    {
        var whole = KubernetesJson.Deserialize<V1Pod>(ClusterObjects.EbsCsiNodePod);
        whole.Spec.NodeName = null;
        whole.Spec.Affinity.PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [] };

        var slim = Slim(whole);

        PodFacts.From(slim).Target.Should().Be(PodFacts.From(whole).Target).And.Be(new TargetNode(TargetKind.PinnedByAffinity, "ip-10-0-1-7.eu-west-1.compute.internal"));
        slim.Spec.Affinity.PodAntiAffinity.Should().BeNull();
    }

    [Fact]
    public void A_node_keeps_its_taints_and_drops_its_status()
    {
        var whole = KubernetesJson.Deserialize<V1Node>(ClusterObjects.TaintedNode);
        whole.Status = new V1NodeStatus { Images = [new V1ContainerImage { Names = ["registry/image:1"], SizeBytes = 1_000_000 }] };

        var slim = Slim(whole);

        ClusterProjections.Node(slim).Should().BeEquivalentTo(ClusterProjections.Node(whole));
        ClusterProjections.Node(slim).Taints.Should().NotBeEmpty();
        slim.Status.Should().BeNull();
    }

    [Fact]
    public void Endpoints_leases_namespaces_and_budgets_project_the_same()
    {
        var endpoint = KubernetesJson.Deserialize<CiliumEndpoint>(ClusterObjects.CorednsEndpoint);
        var lease = KubernetesJson.Deserialize<V1Lease>(ClusterObjects.LeaderLease);
        var ns = KubernetesJson.Deserialize<V1Namespace>(ClusterObjects.PaymentsNamespace);
        var budget = new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop", Generation = 3 },
            Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 2, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } },
            Status = new V1PodDisruptionBudgetStatus
            {
                DisruptionsAllowed = 1,
                ObservedGeneration = 3,
                Conditions = [new V1Condition { Type = "DisruptionAllowed", Status = "False", Reason = "SyncFailed", Message = "synced", LastTransitionTime = DateTime.UtcNow }],
            },
        };

        ClusterProjections.Endpoint(Slim(endpoint)).Should().BeEquivalentTo(ClusterProjections.Endpoint(endpoint));
        ClusterProjections.Endpoint(Slim(endpoint)).NodeIp.Should().NotBeNullOrEmpty();
        Slim(endpoint).Status!.Identity.Should().BeNull("no projection reads an endpoint's security identity");
        ClusterProjections.Lease(Slim(lease)).Should().BeEquivalentTo(ClusterProjections.Lease(lease));
        ClusterProjections.Namespace(Slim(ns)).Should().BeEquivalentTo(ClusterProjections.Namespace(ns));
        ClusterProjections.DisruptionBudget(Slim(budget)).Should().BeEquivalentTo(ClusterProjections.DisruptionBudget(budget));
        ClusterProjections.DisruptionBudget(Slim(budget)).SyncFailure.Should().Be("synced");
    }

    [Fact]
    public void Controllers_keep_their_strategy_and_scale_and_drop_their_pod_template()
    {
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "web:1" }] },
        };
        var metadata = new V1ObjectMeta
        {
            Name = "web",
            NamespaceProperty = "shop",
            Uid = "uid-1",
            OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web", Uid = "deployment-uid", Controller = true }],
        };
        IntOrString maxUnavailable = "25%";
        var daemonSet = new V1DaemonSet
        {
            Metadata = metadata,
            Spec = new V1DaemonSetSpec
            {
                Template = template,
                UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = maxUnavailable } },
            },
            Status = new V1DaemonSetStatus { DesiredNumberScheduled = 5, NumberReady = 4 },
        };
        var replicaSet = new V1ReplicaSet { Metadata = metadata, Spec = new V1ReplicaSetSpec { Replicas = 4, Template = template } };
        var deployment = new V1Deployment
        {
            Metadata = metadata,
            Spec = new V1DeploymentSpec
            {
                Replicas = 3,
                Template = template,
                Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = maxUnavailable } },
            },
        };
        var statefulSet = new V1StatefulSet
        {
            Metadata = metadata,
            Spec = new V1StatefulSetSpec
            {
                Replicas = 2,
                Template = template,
                UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateStatefulSetStrategy { MaxUnavailable = maxUnavailable } },
            },
        };

        OwnerCaches.DaemonSet(Slim(daemonSet)).Should().Be(OwnerCaches.DaemonSet(daemonSet)).And.Be(new Core.Healing.WorkloadOwner("DaemonSet", "uid-1", null, "RollingUpdate", "25%", 5));
        OwnerCaches.ReplicaSet(Slim(replicaSet)).Should().Be(OwnerCaches.ReplicaSet(replicaSet)).And.Be(new Core.Healing.WorkloadOwner("ReplicaSet", "uid-1", "deployment-uid", "", null, 4));
        OwnerCaches.Deployment(Slim(deployment)).Should().Be(OwnerCaches.Deployment(deployment));
        OwnerCaches.StatefulSet(Slim(statefulSet)).Should().Be(OwnerCaches.StatefulSet(statefulSet));
        Slim(daemonSet).Spec.Template.Should().BeNull();
        Slim(deployment).Spec.Template.Should().BeNull();
    }

    [Fact]
    public void A_restart_event_reads_back_the_same_restart_and_drops_its_message_and_source()
    {
        var recorded = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = "ebs-csi-node-7x2kq.1",
                NamespaceProperty = "kube-system",
                CreationTimestamp = new DateTime(2026, 12, 3, 7, 0, 5, DateTimeKind.Utc),
                Annotations = new Dictionary<string, string>
                {
                    [RestartEvents.OwnerAnnotation] = "DaemonSet/ebs-csi-node/ds-uid",
                    [RestartEvents.NodeAnnotation] = "node-1",
                },
            },
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "ebs-csi-node-7x2kq", NamespaceProperty = "kube-system", Uid = "pod-uid" },
            Reason = PodEvent.UnmanagedPodEvicted,
            Message = "Evicted: runs without a CiliumEndpoint",
            Source = new V1EventSource { Component = KubernetesPodEventRecorder.Component, Host = "guard-0" },
            FirstTimestamp = new DateTime(2026, 12, 3, 7, 0, 0, DateTimeKind.Utc),
        };

        var slim = Slim(recorded);

        RestartEvents.Read(slim).Should().Be(RestartEvents.Read(recorded)).And.Be(new Core.Healing.RecordedRestart(
            new PodOwner("DaemonSet", "ebs-csi-node", "ds-uid"), "kube-system/ebs-csi-node-7x2kq", "pod-uid", "node-1",
            new DateTimeOffset(2026, 12, 3, 7, 0, 0, TimeSpan.Zero)));
        slim.Message.Should().BeNull();
        slim.Source.Should().BeNull();
    }

    /// <summary>The object as the caches receive it: written as the API server writes it, read as the caches read it.</summary>
    private static T Slim<T>(T whole) =>
        JsonSerializer.Deserialize<T>(KubernetesJson.Serialize(whole), ListWatchJson.Options) ?? throw new InvalidOperationException("null");
}
