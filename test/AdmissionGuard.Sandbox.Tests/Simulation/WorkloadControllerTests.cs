using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Scheduling;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

public sealed class WorkloadControllerTests
{
    [Fact]
    public async Task Daemonset_pods_are_pinned_like_the_real_controller_and_recreated_when_deleted()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", cancellationToken: TestCluster.Token);
        await cluster.Simulation.AddNodeAsync("node-b", cancellationToken: TestCluster.Token);
        await cluster.Simulation.AddNodeAsync("node-c", new NodeSetup { CiliumTaint = false, Labels = new Dictionary<string, string> { ["role"] = "gpu" } }, TestCluster.Token);
        var daemonSet = SimulatedWorkloads.EbsCsiNode();
        daemonSet.Spec.Template.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "role", OperatorProperty = "NotIn", Values = ["gpu"] }] }],
                },
            },
        };
        var created = await cluster.Api.CreateAsync(daemonSet, cancellationToken: TestCluster.Token);

        var pods = await cluster.Until(() => cluster.Pods("kube-system", "app=ebs-csi-node") is { Count: 2 } p && p.All(TestCluster.IsRunning) ? p : null, "one pod per eligible node");

        pods.Select(p => p.Spec.NodeName).Should().BeEquivalentTo(["node-a", "node-b"]);
        foreach (var pod in pods)
        {
            var terms = pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms;
            terms.Should().ContainSingle().Which.MatchFields.Should().ContainSingle().Which
                .Should().BeEquivalentTo(new { Key = "metadata.name", OperatorProperty = "In", Values = new[] { pod.Spec.NodeName } });
            var asCreated = new V1PodSpec { Affinity = pod.Spec.Affinity, Containers = pod.Spec.Containers };
            DaemonPods.TargetNodeName(asCreated).Should().Be(pod.Spec.NodeName, "admission sees the pod unbound, pinned by affinity");
            pod.Metadata.OwnerReferences.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Kind = "DaemonSet", Name = "ebs-csi-node", created.Metadata.Uid, Controller = true });
            pod.Spec.Tolerations.Should().Contain(t => t.Key == "node.kubernetes.io/not-ready" && t.Effect == "NoExecute" && t.OperatorProperty == "Exists")
                .And.Contain(t => t.Key == "node.kubernetes.io/unschedulable" && t.Effect == "NoSchedule")
                .And.NotContain(t => t.Key == "node.kubernetes.io/network-unavailable", "only hostNetwork pods get that one");
        }

        await cluster.Until(() => cluster.Api.Get<V1DaemonSet>("kube-system", "ebs-csi-node")!.Status is { DesiredNumberScheduled: 2, CurrentNumberScheduled: 2, NumberReady: 2 },
            "the status counts the ready pods", letTimeFlow: true);

        await cluster.Api.DeleteAsync<V1Pod>("kube-system", pods[0].Metadata.Name, cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Pods("kube-system", "app=ebs-csi-node") is { Count: 2 } p && p.All(x => x.Metadata.Uid != pods[0].Metadata.Uid && TestCluster.IsRunning(x)),
            "the deleted pod is recreated on its node once it has terminated", letTimeFlow: true);
        cluster.Pods("kube-system", "app=ebs-csi-node").Select(p => p.Spec.NodeName).Should().BeEquivalentTo(["node-a", "node-b"]);
    }

    [Fact]
    public async Task A_daemonset_that_does_not_tolerate_the_taint_skips_tainted_nodes()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("tainted", cancellationToken: TestCluster.Token);
        await cluster.Simulation.AddNodeAsync("clean", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var daemonSet = SimulatedWorkloads.DaemonSet("logger", "default", new Dictionary<string, string> { ["app"] = "logger" }, "fluent-bit", hostNetwork: false, []);

        await cluster.Api.CreateAsync(daemonSet, cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Api.Get<V1DaemonSet>("default", "logger")!.Status is { DesiredNumberScheduled: 1, CurrentNumberScheduled: 1 }
                && cluster.Pods("default", "app=logger").All(TestCluster.IsRunning),
            "the status counts one node and its pod runs");
        cluster.Pods("default", "app=logger").Should().ContainSingle().Which.Spec.NodeName.Should().Be("clean");
    }

    [Fact]
    public async Task A_replicaset_keeps_its_replica_count()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.ReplicaSet("web", 3), cancellationToken: TestCluster.Token);
        var pods = await cluster.Until(() => cluster.Pods("default", "app=web") is { Count: 3 } p ? p : null, "three pods");
        pods.Should().OnlyContain(p => p.Metadata.OwnerReferences.Single().Kind == "ReplicaSet" && p.Metadata.OwnerReferences.Single().Controller == true);

        await cluster.Api.DeleteAsync<V1Pod>("default", pods[0].Metadata.Name, cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Pods("default", "app=web") is { Count: 3 } p && p.All(x => x.Metadata.Uid != pods[0].Metadata.Uid), "a replacement pod", letTimeFlow: true);

        await cluster.Api.PatchAsync<V1ReplicaSet>("default", "web", PatchType.Merge, """{"spec":{"replicas":1}}""", cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Api.Get<V1ReplicaSet>("default", "web")!.Status is { Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 1 }, "scaled down to one ready pod", letTimeFlow: true);
        cluster.Pods("default", "app=web").Should().ContainSingle(p => p.Metadata.DeletionTimestamp == null, "the surplus pods terminate");
    }

    [Fact]
    public async Task A_deployment_owns_a_hashed_replicaset_and_the_garbage_collector_removes_everything_with_it()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var deployment = await cluster.Api.CreateAsync(Manifests.Deployment("web", 2), cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Api.Get<V1Deployment>("default", "web")!.Status is { Replicas: 2, ReadyReplicas: 2, AvailableReplicas: 2, UpdatedReplicas: 2 },
            "the deployment reports two available pods", letTimeFlow: true);

        var replicaSet = cluster.Api.List<V1ReplicaSet>("default").Should().ContainSingle().Subject;
        var hash = replicaSet.Metadata.Labels["pod-template-hash"];
        replicaSet.Metadata.Name.Should().Be($"web-{hash}");
        replicaSet.Metadata.OwnerReferences.Single().Uid.Should().Be(deployment.Metadata.Uid);
        replicaSet.Spec.Selector.MatchLabels.Should().Contain("pod-template-hash", hash);
        cluster.Pods("default", "app=web").Should().HaveCount(2).And.OnlyContain(p => p.Metadata.Labels["pod-template-hash"] == hash);
        cluster.Api.Get<V1Deployment>("default", "web")!.Status.Conditions.Should().Contain(c => c.Type == "Available" && c.Status == "True");

        await cluster.Api.DeleteAsync<V1Deployment>("default", "web", cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Api.List<V1ReplicaSet>("default").Count == 0 && cluster.Pods("default", "app=web").Count == 0, "the dependents are collected", letTimeFlow: true);
    }

    [Fact]
    public async Task A_changed_template_rolls_to_a_new_replicaset()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Deployment("web", 1), cancellationToken: TestCluster.Token);
        var first = await cluster.Until(() => cluster.Pods("default", "app=web").SingleOrDefault(), "the first pod");

        await cluster.Api.PatchAsync<V1Deployment>("default", "web", PatchType.Merge,
            """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}""", cancellationToken: TestCluster.Token);

        var second = await cluster.Until(() => cluster.Pods("default", "app=web") is [var only] && only.Metadata.Uid != first.Metadata.Uid ? only : null, "the pod of the new template", letTimeFlow: true);
        second.Spec.Containers.Single().Image.Should().Be("nginx:2");
        cluster.Api.List<V1ReplicaSet>("default").Select(r => r.Spec.Replicas).Should().BeEquivalentTo([0, 1]);
    }
}
