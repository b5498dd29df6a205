using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Scheduling;
using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Store;
using k8s;
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

    [Theory]
    [InlineData(null, null, 5, 3)]
    [InlineData("0", "1", 4, 3)]
    [InlineData("2", "0", 6, 4)]
    public async Task A_new_template_rolls_out_within_max_surge_and_max_unavailable(string? maxSurge, string? maxUnavailable, int mostPods, int leastReady)
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var deployment = Manifests.Deployment("web", 4);
        if (maxSurge is not null)
        {
            deployment.Spec.Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = (IntOrString)maxSurge, MaxUnavailable = (IntOrString)maxUnavailable! },
            };
        }

        await cluster.Api.CreateAsync(deployment, cancellationToken: TestCluster.Token);
        var first = await cluster.Until(() => cluster.Pods("default", "app=web") is { Count: 4 } p && p.All(TestCluster.IsReady) ? p : null, "four ready pods", letTimeFlow: true);
        var revision = cluster.Api.Store.Revision.ToString(CultureInfo.InvariantCulture);
        using var pods = cluster.Api.Watch(ResourceTypes.Pods, "default", new WatchOptions { ResourceVersion = revision });
        using var replicaSets = cluster.Api.Watch(ResourceTypes.ReplicaSets, "default", new WatchOptions { ResourceVersion = revision });
        var sizes = cluster.Api.List<V1ReplicaSet>("default").ToDictionary(r => r.Metadata.Name, r => r.Spec.Replicas ?? 0, StringComparer.Ordinal);

        await cluster.Api.PatchAsync<V1Deployment>("default", "web", PatchType.Merge,
            """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}""", cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Pods("default", "app=web") is { Count: 4 } p && p.All(x => x.Spec.Containers[0].Image == "nginx:2" && TestCluster.IsReady(x)),
            "four ready pods of the new template", letTimeFlow: true);
        var mostSized = sizes.Values.Sum();
        foreach (var change in WatchReplay.Changes(replicaSets))
        {
            sizes[change.Item.Name] = change.Type == WatchEventType.Deleted ? 0 : change.Item.ToModel<V1ReplicaSet>().Spec.Replicas ?? 0;
            mostSized = Math.Max(mostSized, sizes.Values.Sum());
        }

        // Upstream bounds the ReplicaSets' sizes, not the pods: an old pod may outlive its ReplicaSet's shrinking by a moment.
        mostSized.Should().Be(mostPods, "the ReplicaSets add up to at most spec.replicas + maxSurge, and a rollout uses its surge");
        LeastReady(first, pods).Should().Be(leastReady, "at least spec.replicas - maxUnavailable pods stay ready, and a rollout uses its allowance");
    }

    [Fact]
    public async Task A_rollout_that_stands_still_exceeds_its_progress_deadline_and_recovers_when_it_moves()
    {
        await using var cluster = TestCluster.Start();
        var deployment = Manifests.Deployment("web", 1);
        deployment.Spec.ProgressDeadlineSeconds = 30;
        var created = await cluster.Api.CreateAsync(deployment, cancellationToken: TestCluster.Token);

        // No node: the pod cannot be scheduled, so the rollout stands still.
        var timedOut = await cluster.Until(() => Progressing(cluster) is { Reason: "ProgressDeadlineExceeded" } c ? c : null, "the deadline exceeded", letTimeFlow: true);
        var replicaSet = cluster.Api.List<V1ReplicaSet>("default").Single().Metadata.Name;
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var recovered = await cluster.Until(() => Progressing(cluster) is { Reason: "NewReplicaSetAvailable" } c ? c : null, "the rollout complete", letTimeFlow: true);

        timedOut.Should().BeEquivalentTo(new { Status = "False", Message = $"ReplicaSet \"{replicaSet}\" has timed out progressing." });
        (timedOut.LastTransitionTime - created.Metadata.CreationTimestamp).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(30), "not before the deadline");
        recovered.Status.Should().Be("True");
        recovered.Message.Should().Be($"ReplicaSet \"{replicaSet}\" has successfully progressed.");
    }

    [Fact]
    public async Task A_recreate_deployment_starts_new_pods_only_once_the_old_ones_are_gone()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var deployment = Manifests.Deployment("web", 2);
        deployment.Spec.Strategy = new V1DeploymentStrategy { Type = "Recreate" };
        await cluster.Api.CreateAsync(deployment, cancellationToken: TestCluster.Token);
        var first = await cluster.Until(() => cluster.Pods("default", "app=web") is { Count: 2 } p && p.All(TestCluster.IsReady) ? p : null, "two ready pods", letTimeFlow: true);
        using var watch = cluster.Api.Watch(ResourceTypes.Pods, "default", new WatchOptions { ResourceVersion = cluster.Api.Store.Revision.ToString(CultureInfo.InvariantCulture) });

        await cluster.Api.PatchAsync<V1Deployment>("default", "web", PatchType.Merge,
            """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}""", cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Pods("default", "app=web") is { Count: 2 } p && p.All(x => x.Spec.Containers[0].Image == "nginx:2" && TestCluster.IsReady(x)),
            "two ready pods of the new template", letTimeFlow: true);
        var changes = WatchReplay.Changes(watch).ToList();
        var lastOldGone = changes.FindLastIndex(c => c.Type == WatchEventType.Deleted && first.Any(p => p.Metadata.Uid == c.Item.Uid));
        var firstNewMade = changes.FindIndex(c => c.Type == WatchEventType.Added);
        lastOldGone.Should().BeGreaterThan(-1);
        firstNewMade.Should().BeGreaterThan(lastOldGone, "Recreate makes the first new pod only after the last old one has left the API");
    }

    [Fact]
    public async Task Old_replicasets_beyond_the_revision_history_limit_are_deleted_oldest_first()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var deployment = Manifests.Deployment("web", 1);
        deployment.Spec.RevisionHistoryLimit = 1;
        await cluster.Api.CreateAsync(deployment, cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Pods("default", "app=web").SingleOrDefault(), "the first pod");

        foreach (var image in new[] { "nginx:2", "nginx:3" })
        {
            await cluster.Api.PatchAsync<V1Deployment>("default", "web", PatchType.Merge,
                """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"IMAGE"}]}}}}""".Replace("IMAGE", image, StringComparison.Ordinal), cancellationToken: TestCluster.Token);
            await cluster.Until(() => cluster.Pods("default", "app=web") is [var only] && only.Spec.Containers.Single().Image == image ? only : null, $"the pod of {image}", letTimeFlow: true);
        }

        var left = await cluster.Until(() => cluster.Api.List<V1ReplicaSet>("default") is { Count: 2 } r ? r : null, "the oldest ReplicaSet deleted", letTimeFlow: true);
        left.Select(r => r.Metadata.Annotations["deployment.kubernetes.io/revision"]).Should().BeEquivalentTo(["2", "3"], "one old revision is kept");
    }

    [Fact]
    public async Task A_changed_daemonset_template_replaces_the_pods_one_node_at_a_time()
    {
        await using var cluster = TestCluster.Start();
        string[] nodes = ["node-a", "node-b", "node-c"];
        foreach (var node in nodes)
        {
            await cluster.Simulation.AddNodeAsync(node, new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        }

        await cluster.Api.CreateAsync(LoggerDaemonSet(), cancellationToken: TestCluster.Token);
        var first = await cluster.Until(() => cluster.Pods("default", "app=logger") is { Count: 3 } p && p.All(TestCluster.IsReady) ? p : null, "a ready pod per node", letTimeFlow: true);
        cluster.Api.Get<V1DaemonSet>("default", "logger")!.Status.UpdatedNumberScheduled.Should().Be(3);
        using var watch = cluster.Api.Watch(ResourceTypes.Pods, "default", new WatchOptions { ResourceVersion = cluster.Api.Store.Revision.ToString(CultureInfo.InvariantCulture) });

        var patched = await cluster.Api.PatchAsync<V1DaemonSet>("default", "logger", PatchType.Merge,
            """{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-12-04T15:00:00Z"}}}}}""", cancellationToken: TestCluster.Token);

        var second = await cluster.Until(() => cluster.Api.Get<V1DaemonSet>("default", "logger")!.Status is { UpdatedNumberScheduled: 3, NumberAvailable: 3 } status
                && status.ObservedGeneration == patched.Metadata.Generation
                && cluster.Pods("default", "app=logger") is { Count: 3 } p && p.All(TestCluster.IsReady) ? p : null,
            "every node runs a ready pod of the new template", letTimeFlow: true);
        second.Select(p => p.Metadata.Uid).Should().NotIntersectWith(first.Select(p => p.Metadata.Uid));
        second.Select(p => p.Spec.NodeName).Should().BeEquivalentTo(nodes);
        second.Should().OnlyContain(p => p.Metadata.Annotations["kubectl.kubernetes.io/restartedAt"] == "2026-12-04T15:00:00Z");
        MostNodesWithoutAReadyPod(first, watch, nodes).Should().Be(1, "maxUnavailable defaults to 1 and nothing surges");
    }

    [Fact]
    public async Task An_on_delete_daemonset_keeps_its_pods_until_they_are_deleted()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        await cluster.Simulation.AddNodeAsync("node-b", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var daemonSet = LoggerDaemonSet();
        daemonSet.Spec.UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "OnDelete" };
        await cluster.Api.CreateAsync(daemonSet, cancellationToken: TestCluster.Token);
        var first = await cluster.Until(() => cluster.Pods("default", "app=logger") is { Count: 2 } p && p.All(TestCluster.IsReady) ? p : null, "a ready pod per node", letTimeFlow: true);

        var patched = await cluster.Api.PatchAsync<V1DaemonSet>("default", "logger", PatchType.Merge,
            """{"spec":{"template":{"spec":{"containers":[{"name":"fluent-bit","image":"fluent-bit:2"}]}}}}""", cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Api.Get<V1DaemonSet>("default", "logger")!.Status is { UpdatedNumberScheduled: null } status && status.ObservedGeneration == patched.Metadata.Generation,
            "the status counts no pod of the new template (a zero count is omitted, as Go's omitempty leaves it out)", letTimeFlow: true);
        cluster.Pods("default", "app=logger").Select(p => p.Metadata.Uid).Should().BeEquivalentTo(first.Select(p => p.Metadata.Uid));

        await cluster.Api.DeleteAsync<V1Pod>("default", first[0].Metadata.Name, cancellationToken: TestCluster.Token);

        var replacement = await cluster.Until(() => cluster.Pods("default", "app=logger").SingleOrDefault(p => p.Spec.NodeName == first[0].Spec.NodeName && p.Metadata.Uid != first[0].Metadata.Uid && TestCluster.IsReady(p)),
            "the deleted pod's replacement", letTimeFlow: true);
        replacement.Spec.Containers.Single().Image.Should().Be("fluent-bit:2");
        await cluster.Until(() => cluster.Api.Get<V1DaemonSet>("default", "logger")!.Status.UpdatedNumberScheduled == 1, "the status counts the replacement");
        cluster.Pods("default", "app=logger").Should().Contain(p => p.Metadata.Uid == first[1].Metadata.Uid, "the other pod is left alone");
    }

    private static V1DeploymentCondition? Progressing(TestCluster cluster) =>
        cluster.Api.Get<V1Deployment>("default", "web")?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");

    private static V1DaemonSet LoggerDaemonSet() =>
        SimulatedWorkloads.DaemonSet("logger", "default", new Dictionary<string, string> { ["app"] = "logger" }, "fluent-bit", hostNetwork: false, []);

    /// <summary>The most nodes that were, at any revision the watch saw, without a Ready pod that is not terminating.</summary>
    private static int MostNodesWithoutAReadyPod(IEnumerable<V1Pod> start, WatchSubscription watch, IReadOnlyList<string> nodes) =>
        WatchReplay.PodStates(start, watch).Select(pods =>
        {
            var serving = pods.Where(p => p.Metadata.DeletionTimestamp is null && TestCluster.IsReady(p)).Select(p => p.Spec.NodeName).ToHashSet();
            return nodes.Count(n => !serving.Contains(n));
        }).DefaultIfEmpty(0).Max();

    /// <summary>The fewest Ready pods not terminating at any revision the watch saw.</summary>
    private static int LeastReady(IReadOnlyCollection<V1Pod> start, WatchSubscription watch) =>
        WatchReplay.PodStates(start, watch).Select(pods => pods.Count(p => p.Metadata.DeletionTimestamp is null && TestCluster.IsReady(p))).Prepend(start.Count).Min();
}
