using System.Text;
using System.Text.Json;
using AdmissionGuard.Cluster;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Cluster.Owners;
using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;
using AdmissionGuard.Reconciler;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Cluster;

/// <summary>
/// The caches decode list and watch bodies with <see cref="ListWatchJson"/>: pods straight into their facts, every
/// other resource with what no projection reads dropped, so every projection must give the same facts from those
/// slim objects as from the whole object.
/// </summary>
public sealed class ListWatchJsonTests
{
    private static readonly JsonSerializerOptions SmallReads = new(ListWatchJson.Options) { DefaultBufferSize = 64 };

    [Fact]
    public void A_pod_decodes_straight_into_its_facts_whatever_else_it_carries()
    {
        var whole = KubernetesJson.Deserialize<V1Pod>(ClusterObjects.EbsCsiNodePod);
        whole.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubelet", Operation = "Update" }];
        whole.Metadata.Annotations["kubernetes.io/config.mirror"] = "abc";
        whole.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "admissionguard.io/cilium-ready" }];
        whole.Spec.HostNetwork = true;
        whole.Metadata.DeletionTimestamp = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

        var decoded = DecodedPods.Decode(whole);
        var facts = decoded.Fields.ToPodFacts();

        facts.Should().Match<PodFacts>(p => p.IsMirror && p.HostNetwork && p.Terminating && p.Ready);
        facts.SchedulingGates.Should().Equal("admissionguard.io/cilium-ready");
        facts.Owner.Should().Be(new PodOwner("DaemonSet", "ebs-csi-node", "0e2d4b8a-11c3-4f6e-a1d2-93b7c5e8f014"));
        facts.CreationTime.Should().Be(new DateTimeOffset(2026, 11, 25, 11, 58, 2, TimeSpan.Zero));
        facts.Labels.Should().HaveCount(6);
        decoded.Metadata.ResourceVersion.Should().Be("184467", "watches resume from the resourceVersion of the last object seen");
        decoded.Metadata.Name.Should().Be("ebs-csi-node-7xk2p");
        decoded.Metadata.NamespaceProperty.Should().Be("kube-system");
    }

    [Fact]
    public void A_pod_pinned_by_node_affinity_keeps_its_target()
    {
        var whole = KubernetesJson.Deserialize<V1Pod>(ClusterObjects.EbsCsiNodePod);
        whole.Spec.NodeName = null;
        whole.Spec.Affinity.PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [] };

        DecodedPods.Facts(whole).Target.Should().Be(new TargetNode(TargetKind.PinnedByAffinity, "ip-10-0-1-7.eu-west-1.compute.internal"));
    }

    [Fact]
    public void Null_items_in_every_list_of_a_pod_are_skipped()
    {
        var facts = DecodedPods.Decode("""
            {"metadata":{"name":"p","namespace":"ns","labels":{"app":"web","empty":null},
              "ownerReferences":[null,{"kind":"ReplicaSet","name":"rs","uid":"u","controller":true}]},
             "spec":{"tolerations":[null,{"operator":"Exists"}],"schedulingGates":[null,{"name":null},{"name":"g"}]},
             "status":{"conditions":[null,{"type":"Ready","status":"True"}]}}
            """).Fields.ToPodFacts();

        facts.Tolerations.Should().Equal(new Toleration("", "Exists", "", ""));
        facts.SchedulingGates.Should().Equal("g");
        facts.Labels.Should().Equal(new Dictionary<string, string> { ["app"] = "web" });
        facts.Owner.Should().Be(new PodOwner("ReplicaSet", "rs", "u"));
        facts.Ready.Should().BeTrue();
    }

    [Fact]
    public void The_controller_is_the_owner_with_controller_true_and_times_may_carry_fractions()
    {
        var facts = DecodedPods.Decode("""
            {"metadata":{"name":"p","namespace":"ns","creationTimestamp":"2026-11-25T11:58:02.123456Z",
              "ownerReferences":[{"kind":"Node","name":"n","uid":"a"},{"kind":"DaemonSet","name":"ds","uid":"b","controller":true},
                                 {"kind":"ReplicaSet","name":"rs","uid":"c","controller":true}]},
             "status":{"phase":"Pending","startTime":null,"conditions":[{"type":"Ready","status":"False"},{"type":"PodScheduled","status":"True"}]}}
            """).Fields.ToPodFacts();

        facts.Owner.Should().Be(new PodOwner("DaemonSet", "ds", "b"));
        facts.CreationTime.Should().Be(new DateTimeOffset(2026, 11, 25, 11, 58, 2, TimeSpan.Zero).AddTicks(1_234_560));
        facts.StartTime.Should().BeNull();
        facts.Phase.Should().Be("Pending");
        facts.Ready.Should().BeFalse();
        facts.Terminating.Should().BeFalse();
    }

    [Theory]
    [InlineData("""{"items":[{"metadata":{"name":"p","namespace":"ns"},"spec":{"hostNetwork":"yes"}}]}""", "pod ns/p: spec.hostNetwork must be a boolean, not a string")]
    [InlineData("""{"items":[{"metadata":{"name":"p","creationTimestamp":"yesterday"}}]}""", "pod /p: metadata.creationTimestamp must be an RFC 3339 time")]
    [InlineData("""{"items":[{"metadata":{"name":"p"},"status":{"conditions":{"type":"Ready"}}}]}""", "pod /p: status.conditions must be an array, not an object")]
    [InlineData("""{"items":["p"]}""", "a pod must be a JSON object, not a string")]
    public void A_pod_of_the_wrong_shape_fails_the_list_with_its_reason(string body, string reason)
    {
        var read = () => JsonSerializer.Deserialize<DecodedPodList>(body, ListWatchJson.Options);

        read.Should().Throw<JsonException>().Which.Message.Should().Contain(reason);
    }

    [Fact]
    public void A_list_page_and_a_watch_event_of_pods_decode_through_the_pod_reader()
    {
        var list = JsonSerializer.Deserialize<DecodedPodList>(
            $$"""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9","continue":"next"},"items":[{{ClusterObjects.EbsCsiNodePod}}]}""",
            ListWatchJson.Options)!;
        var change = JsonSerializer.Deserialize<Watcher<DecodedPod>.WatchEvent>(
            $$"""{"type":"MODIFIED","object":{{ClusterObjects.EbsCsiNodePod}}}""", ListWatchJson.Options)!;

        list.Metadata.ResourceVersion.Should().Be("9");
        list.Metadata.ContinueProperty.Should().Be("next");
        list.Items.Should().ContainSingle().Which.Fields.Name.Should().Be("ebs-csi-node-7xk2p");
        change.Type.Should().Be(WatchEventType.Modified);
        change.Object.Fields.ToPodFacts().Should().BeEquivalentTo(list.Items[0].Fields.ToPodFacts());
    }

    [Fact]
    public async Task A_page_read_from_a_stream_in_small_pieces_decodes_every_pod()
    {
        var body = $$"""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[{{ClusterObjects.EbsCsiNodePod}},{{ClusterObjects.EbsCsiNodePod}}]}""";

        // The serializer hands the converter a reader that is never final, over as little as one pod.
        var list = await JsonSerializer.DeserializeAsync<DecodedPodList>(
            new MemoryStream(Encoding.UTF8.GetBytes(body)), SmallReads, TestContext.Current.CancellationToken);

        list!.Items.Should().HaveCount(2).And.OnlyContain(pod => pod.Fields.ToPodFacts().Owner!.Name == "ebs-csi-node");
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
