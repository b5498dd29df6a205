using AdmissionGuard.Cluster;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Cilium;
using AdmissionGuard.Core.Pods;
using AdmissionGuard.Core.Scheduling;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Cluster;

public sealed class ProjectionTests
{
    [Fact]
    public void A_DaemonSet_pod_keeps_what_decisions_read()
    {
        var facts = new FactsCompactor().Pod(DecodedPods.Decode(ClusterObjects.EbsCsiNodePod));

        facts.Namespace.Should().Be("kube-system");
        facts.Name.Should().Be("ebs-csi-node-7xk2p");
        facts.Uid.Should().Be("4b1f3c52-8d3e-4a7e-9f0b-2c6d1e5a7b90");
        facts.Labels.Should().Contain("app", "ebs-csi-node").And.HaveCount(6);
        facts.Target.Should().Be(new TargetNode(TargetKind.NodeName, "ip-10-0-1-7.eu-west-1.compute.internal"));
        facts.Tolerations.Should().HaveCount(8);
        facts.Tolerations[0].Should().Be(new Toleration("", "Exists", "", "NoExecute", 300));
        Toleration.AnyTolerates(facts.Tolerations, new Taint(WellKnown.CiliumAgentNotReadyTaint, "true", "NoExecute")).Should().BeTrue();
        facts.Owner.Should().Be(new PodOwner("DaemonSet", "ebs-csi-node", "0e2d4b8a-11c3-4f6e-a1d2-93b7c5e8f014"));
        facts.Phase.Should().Be("Running");
        facts.Ready.Should().BeTrue();
        facts.StartTime.Should().Be(new DateTimeOffset(2026, 11, 25, 11, 58, 3, TimeSpan.Zero));
        facts.HostNetwork.Should().BeFalse();
        facts.Terminating.Should().BeFalse();
    }

    [Fact]
    public void Compacted_facts_equal_the_plain_projection()
    {
        var pod = DecodedPods.Decode(ClusterObjects.EbsCsiNodePod);
        var plain = pod.Fields.ToPodFacts();

        var compacted = new FactsCompactor().Pod(pod);

        compacted.Should().BeEquivalentTo(plain);
    }

    [Fact]
    public void Pods_of_one_controller_share_labels_tolerations_owner_and_strings()
    {
        var compactor = new FactsCompactor();
        var first = compactor.Pod(DecodedPods.Decode(ClusterObjects.EbsCsiNodePod));
        var second = compactor.Pod(DecodedPods.Decode(
            ClusterObjects.EbsCsiNodePod.Replace("ebs-csi-node-7xk2p", "ebs-csi-node-q9d4w", StringComparison.Ordinal)));

        second.Name.Should().Be("ebs-csi-node-q9d4w");
        second.Labels.Should().BeSameAs(first.Labels);
        second.Tolerations.Should().BeSameAs(first.Tolerations);
        second.Owner.Should().BeSameAs(first.Owner);
        second.Target.Should().BeSameAs(first.Target);
        second.Namespace.Should().BeSameAs(first.Namespace);
        second.Phase.Should().BeSameAs(first.Phase);
        second.SchedulingGates.Should().BeEmpty().And.BeSameAs(first.SchedulingGates, "an empty list is not kept once per pod");
    }

    [Fact]
    public void Endpoints_share_namespace_state_and_node_address_and_project_as_the_plain_projection()
    {
        var compactor = new FactsCompactor();
        var endpoint = KubernetesJson.Deserialize<CiliumEndpoint>(ClusterObjects.CorednsEndpoint);
        var first = compactor.Endpoint(endpoint);
        var second = compactor.Endpoint(KubernetesJson.Deserialize<CiliumEndpoint>(
            ClusterObjects.CorednsEndpoint.Replace(endpoint.Metadata.Name, "other-pod", StringComparison.Ordinal)));

        first.Should().Be(ClusterProjections.Endpoint(endpoint));
        second.Name.Should().Be("other-pod");
        second.Namespace.Should().BeSameAs(first.Namespace);
        second.State.Should().BeSameAs(first.State);
        second.NodeIp.Should().NotBeNull().And.BeSameAs(first.NodeIp);
    }

    [Fact]
    public void A_different_label_set_is_not_shared()
    {
        var compactor = new FactsCompactor();
        var first = compactor.Pod(DecodedPods.Decode(ClusterObjects.EbsCsiNodePod));
        var other = compactor.Pod(DecodedPods.Decode(
            ClusterObjects.EbsCsiNodePod.Replace("\"6f9c7d8b4c\"", "\"77d5b9c8f6\"", StringComparison.Ordinal)));

        other.Labels.Should().NotBeSameAs(first.Labels);
        other.Labels["controller-revision-hash"].Should().Be("77d5b9c8f6");
        first.Labels["controller-revision-hash"].Should().Be("6f9c7d8b4c");
    }

    [Fact]
    public void A_node_keeps_its_taints()
    {
        var node = ClusterProjections.Node(KubernetesJson.Deserialize<V1Node>(ClusterObjects.TaintedNode));

        node.Name.Should().Be("ip-10-0-1-7.eu-west-1.compute.internal");
        node.Taints.Should().Equal(
            new Taint(WellKnown.CiliumAgentNotReadyTaint, "true", "NoExecute"),
            new Taint("node.kubernetes.io/not-ready", "", "NoSchedule"));
        node.AgentReady.Should().BeNull("the projection cannot know; the snapshot fills it in");
    }

    [Fact]
    public void Nodes_with_equal_taints_share_one_list_and_other_taints_keep_theirs()
    {
        var compactor = new FactsCompactor();
        var first = compactor.Node(KubernetesJson.Deserialize<V1Node>(ClusterObjects.TaintedNode));
        var second = compactor.Node(KubernetesJson.Deserialize<V1Node>(
            ClusterObjects.TaintedNode.Replace("ip-10-0-1-7.eu-west-1", "ip-10-0-1-8.eu-west-1", StringComparison.Ordinal)));
        var other = compactor.Node(KubernetesJson.Deserialize<V1Node>(
            ClusterObjects.TaintedNode.Replace("node.kubernetes.io/not-ready", "dedicated", StringComparison.Ordinal)));

        second.Name.Should().Be("ip-10-0-1-8.eu-west-1.compute.internal");
        second.Taints.Should().BeSameAs(first.Taints);
        first.Should().BeEquivalentTo(ClusterProjections.Node(KubernetesJson.Deserialize<V1Node>(ClusterObjects.TaintedNode)));
        other.Taints.Should().NotBeSameAs(first.Taints);
        other.Taints.Should().Equal(
            new Taint(WellKnown.CiliumAgentNotReadyTaint, "true", "NoExecute"),
            new Taint("dedicated", "", "NoSchedule"));
    }

    [Fact]
    public void A_node_without_taints_has_an_empty_list()
    {
        var node = ClusterProjections.Node(new V1Node { Metadata = new V1ObjectMeta { Name = "n1" }, Spec = new V1NodeSpec() });

        node.Taints.Should().BeEmpty();
    }

    [Fact]
    public void A_CiliumEndpoint_keeps_its_owner_pod_uid_state_and_node_ip()
    {
        var endpoint = ClusterProjections.Endpoint(KubernetesJson.Deserialize<CiliumEndpoint>(ClusterObjects.CorednsEndpoint));

        endpoint.Should().Be(new Core.Cluster.EndpointFacts(
            "kube-system", "coredns-5d78c9869d-8hx2m", "9d8c7b6a-5e4f-4d3c-8b2a-1f0e9d8c7b6a", "ready", "10.0.1.7"));
    }

    [Fact]
    public void A_CiliumEndpoint_without_a_pod_owner_or_status_has_empty_uid_and_state()
    {
        var endpoint = ClusterProjections.Endpoint(new CiliumEndpoint
        {
            Metadata = new V1ObjectMeta
            {
                Name = "web-0",
                NamespaceProperty = "shop",
                OwnerReferences = [new V1OwnerReference { Kind = "CiliumNode", Name = "n1", Uid = "x", ApiVersion = "cilium.io/v2" }],
            },
        });

        endpoint.OwnerPodUid.Should().BeEmpty();
        endpoint.State.Should().BeEmpty();
        endpoint.NodeIp.Should().BeNull();
    }

    [Fact]
    public void A_Lease_keeps_holder_renewal_and_duration()
    {
        var lease = ClusterProjections.Lease(KubernetesJson.Deserialize<V1Lease>(ClusterObjects.LeaderLease));

        lease.Holder.Should().Be("admissionguard-6b8f9c7d5-x2k9q");
        lease.RenewTime.Should().BeCloseTo(new DateTimeOffset(2026, 11, 25, 11, 59, 55, 123, TimeSpan.Zero), TimeSpan.FromMilliseconds(1));
        lease.Duration.Should().Be(TimeSpan.FromSeconds(15));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(14, true)]
    [InlineData(15, false)]
    [InlineData(60, false)]
    public void A_Lease_is_held_until_renewal_plus_duration(int secondsAfterRenewal, bool held)
    {
        var lease = ClusterProjections.Lease(KubernetesJson.Deserialize<V1Lease>(ClusterObjects.LeaderLease));

        lease.IsHeldAt(lease.RenewTime!.Value.AddSeconds(secondsAfterRenewal)).Should().Be(held);
    }

    [Fact]
    public void A_released_Lease_is_not_held()
    {
        var lease = ClusterProjections.Lease(KubernetesJson.Deserialize<V1Lease>(ClusterObjects.LeaderLease)) with { Holder = "" };

        lease.IsHeldAt(lease.RenewTime!.Value).Should().BeFalse();
    }

    [Fact]
    public void A_namespace_keeps_its_labels()
    {
        var ns = ClusterProjections.Namespace(KubernetesJson.Deserialize<V1Namespace>(ClusterObjects.PaymentsNamespace));

        ns.Name.Should().Be("payments");
        ns.Labels.Should().Contain(WellKnown.NamespaceModeLabel, "deny");
    }
}
