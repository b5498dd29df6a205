using System.Globalization;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>The StatefulSet controller as upstream's: stable names, ordered start and scale-down, reverse rolling updates.</summary>
public sealed class StatefulSetControllerTests
{
    private static V1StatefulSet Database(int replicas = 3, string policy = "OrderedReady") => new()
    {
        Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "default" },
        Spec = new V1StatefulSetSpec
        {
            ServiceName = "db",
            Replicas = replicas,
            PodManagementPolicy = policy,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } },
            Template = new V1PodTemplateSpec
            {
                // Its pods stop at once when deleted instead of using up their 30 s grace period.
                Metadata = new V1ObjectMeta
                {
                    Labels = new Dictionary<string, string> { ["app"] = "db" },
                    Annotations = new Dictionary<string, string> { [SimulationAnnotations.ShutdownDelay] = "100ms" },
                },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "db", Image = "postgres:17" }] },
            },
        },
    };

    private static async Task<TestCluster> StartAsync()
    {
        var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        return cluster;
    }

    [Fact]
    public async Task Ordered_pods_start_one_at_a_time_under_stable_names_and_labels()
    {
        await using var cluster = await StartAsync();
        var created = await cluster.Api.CreateAsync(Database(), cancellationToken: TestCluster.Token);

        await cluster.Until(() => TestCluster.IsRunning(cluster.Pod("db-0")), "db-0 running, not yet ready: the clock stands still");
        var whileFirstStarts = cluster.Pods("default", "app=db").Select(p => p.Metadata.Name).ToList();
        var pods = await cluster.Until(() => cluster.Pods("default", "app=db") is { Count: 3 } p && p.All(TestCluster.IsReady) ? p : null, "three ready pods", letTimeFlow: true);
        var set = await cluster.Until(() => cluster.Api.Get<V1StatefulSet>("default", "db") is { Status.ReadyReplicas: 3 } s ? s : null, "the status counts them");

        whileFirstStarts.Should().Equal(["db-0"], "db-1 waits until db-0 is Running and Ready");
        pods.Select(p => p.Metadata.Name).Should().BeEquivalentTo(["db-0", "db-1", "db-2"]);
        var revision = set.Status.UpdateRevision;
        revision.Should().MatchRegex("^db-[a-z0-9]+$");
        foreach (var pod in pods)
        {
            var ordinal = pod.Metadata.Name[3..];
            pod.Metadata.Labels.Should().Contain(new Dictionary<string, string>
            {
                ["app"] = "db",
                ["controller-revision-hash"] = revision,
                ["statefulset.kubernetes.io/pod-name"] = pod.Metadata.Name,
                ["apps.kubernetes.io/pod-index"] = ordinal,
            });
            pod.Spec.Hostname.Should().Be(pod.Metadata.Name);
            pod.Spec.Subdomain.Should().Be("db");
            pod.Metadata.OwnerReferences.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Kind = "StatefulSet", Name = "db", created.Metadata.Uid, Controller = true });
        }

        set.Status.Should().BeEquivalentTo(new { Replicas = 3, ReadyReplicas = 3, CurrentReplicas = 3, UpdatedReplicas = 3, AvailableReplicas = 3, CurrentRevision = revision, CollisionCount = 0 });
        // In the order written: a list is sorted by name, and an event's name carries a hexadecimal stamp kept unique
        // across every sandbox of the test process, so this sandbox's names need not sort as it wrote them.
        var events = cluster.Api.List<Corev1Event>("default").Where(e => e.InvolvedObject.Kind == "StatefulSet")
            .OrderBy(e => long.Parse(e.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)).Select(e => e.Message);
        events.Should().Equal("create Pod db-0 in StatefulSet db successful", "create Pod db-1 in StatefulSet db successful", "create Pod db-2 in StatefulSet db successful");
    }

    [Fact]
    public async Task Each_claim_template_becomes_a_volume_on_the_pods_own_claim()
    {
        await using var cluster = await StartAsync();
        var set = Database(replicas: 2, policy: "Parallel");
        set.Spec.VolumeClaimTemplates = [new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "data" } }];
        set.Spec.Template.Spec.Volumes = [new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }, new V1Volume { Name = "scratch", EmptyDir = new V1EmptyDirVolumeSource() }];
        await cluster.Api.CreateAsync(set, cancellationToken: TestCluster.Token);

        var pods = await cluster.Until(() => cluster.Pods("default", "app=db") is { Count: 2 } p ? p : null, "two pods");

        foreach (var pod in pods)
        {
            pod.Spec.Volumes.SkipLast(1).Select(v => (v.Name, v.PersistentVolumeClaim?.ClaimName)).Should().Equal(
                [("data", $"data-{pod.Metadata.Name}"), ("scratch", (string?)null)], "the claim template replaces the template's own volume of that name, first");
            pod.Spec.Volumes[^1].Name.Should().StartWith("kube-api-access-", "the ServiceAccount plugin adds its token volume last");
        }
    }

    [Fact]
    public async Task Parallel_pods_start_together()
    {
        await using var cluster = await StartAsync();
        await cluster.Api.CreateAsync(Database(policy: "Parallel"), cancellationToken: TestCluster.Token);

        var pods = await cluster.Until(() => cluster.Pods("default", "app=db") is { Count: 3 } p && p.All(TestCluster.IsRunning) ? p : null, "three running pods, no time passing");

        pods.Should().NotContain(p => TestCluster.IsReady(p), "none had to be Ready before the next was made");
    }

    [Fact]
    public async Task An_evicted_pod_comes_back_under_its_name_once_the_old_one_is_gone()
    {
        await using var cluster = await StartAsync();
        await cluster.Api.CreateAsync(Database(), cancellationToken: TestCluster.Token);
        var pods = await cluster.Until(() => cluster.Pods("default", "app=db") is { Count: 3 } p && p.All(TestCluster.IsReady) ? p : null, "three ready pods", letTimeFlow: true);
        var old = pods.Single(p => p.Metadata.Name == "db-1");

        await cluster.Api.EvictAsync("default", "db-1", context: null, cancellationToken: TestCluster.Token);

        var back = await cluster.Until(() => cluster.Pod("db-1") is { } p && p.Metadata.Uid != old.Metadata.Uid && TestCluster.IsReady(p) ? p : null, "db-1 again, a new pod", letTimeFlow: true);
        back.Metadata.Labels["statefulset.kubernetes.io/pod-name"].Should().Be("db-1");
        cluster.Pods("default", "app=db").Select(p => p.Metadata.Name).Should().BeEquivalentTo(["db-0", "db-1", "db-2"]);
    }

    [Fact]
    public async Task Scaling_down_removes_the_highest_ordinals_first_one_at_a_time()
    {
        await using var cluster = await StartAsync();
        await cluster.Api.CreateAsync(Database(), cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Pods("default", "app=db") is { Count: 3 } p && p.All(TestCluster.IsReady), "three ready pods", letTimeFlow: true);
        using var watch = cluster.Api.Watch(ResourceTypes.Pods, "default", new WatchOptions { ResourceVersion = cluster.Api.Store.Revision.ToString(CultureInfo.InvariantCulture) });

        await cluster.Api.PatchAsync<V1StatefulSet>("default", "db", PatchType.Merge, """{"spec":{"replicas":1}}""", cancellationToken: TestCluster.Token);

        await cluster.Until(() => cluster.Pods("default", "app=db") is [{ Metadata.Name: "db-0" }], "only db-0 left", letTimeFlow: true);
        DeletionSteps(watch).Should().Equal(["deleting db-2", "deleted db-2", "deleting db-1", "deleted db-1"], "db-1 goes only once db-2 is gone");
        var messages = cluster.Api.List<Corev1Event>("default").Select(e => e.Message);
        messages.Should().Contain("delete Pod db-2 in StatefulSet db successful").And.Contain("delete Pod db-1 in StatefulSet db successful");
    }

    [Fact]
    public async Task A_new_template_replaces_the_pods_from_the_highest_ordinal_down_to_the_partition()
    {
        await using var cluster = await StartAsync();
        var set = Database();
        set.Spec.UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateStatefulSetStrategy { Partition = 1 } };
        await cluster.Api.CreateAsync(set, cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Pods("default", "app=db") is { Count: 3 } p && p.All(TestCluster.IsReady), "three ready pods", letTimeFlow: true);
        var before = cluster.Api.Get<V1StatefulSet>("default", "db")!.Status.CurrentRevision;
        using var watch = cluster.Api.Watch(ResourceTypes.Pods, "default", new WatchOptions { ResourceVersion = cluster.Api.Store.Revision.ToString(CultureInfo.InvariantCulture) });

        await cluster.Api.PatchAsync<V1StatefulSet>("default", "db", PatchType.Merge,
            """{"spec":{"template":{"spec":{"containers":[{"name":"db","image":"postgres:17.2"}]}}}}""", cancellationToken: TestCluster.Token);

        var status = await cluster.Until(() => cluster.Api.Get<V1StatefulSet>("default", "db")!.Status is { UpdatedReplicas: 2, ReadyReplicas: 3 } s ? s : null,
            "db-2 and db-1 replaced and ready", letTimeFlow: true);
        var images = cluster.Pods("default", "app=db").ToDictionary(p => p.Metadata.Name, p => p.Spec.Containers[0].Image);
        images.Should().Equal(new Dictionary<string, string> { ["db-0"] = "postgres:17", ["db-1"] = "postgres:17.2", ["db-2"] = "postgres:17.2" }, "db-0 is below the partition");
        DeletionSteps(watch).Should().Equal(["deleting db-2", "deleted db-2", "deleting db-1", "deleted db-1"], "one pod at a time, from the highest ordinal");
        status.CurrentRevision.Should().Be(before, "the rollout stops at the partition, so the update revision is not yet current");
        status.UpdateRevision.Should().NotBe(before);
        status.CurrentReplicas.Should().Be(1);
    }

    [Fact]
    public async Task A_pod_below_the_partition_comes_back_from_the_current_revisions_template()
    {
        await using var cluster = await StartAsync();
        var set = Database(replicas: 2);
        set.Spec.UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateStatefulSetStrategy { Partition = 1 } };
        await cluster.Api.CreateAsync(set, cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Pods("default", "app=db") is { Count: 2 } p && p.All(TestCluster.IsReady), "two ready pods", letTimeFlow: true);
        await cluster.Api.PatchAsync<V1StatefulSet>("default", "db", PatchType.Merge,
            """{"spec":{"template":{"spec":{"containers":[{"name":"db","image":"postgres:17.2"}]}}}}""", cancellationToken: TestCluster.Token);
        var status = await cluster.Until(() => cluster.Api.Get<V1StatefulSet>("default", "db")!.Status is { UpdatedReplicas: 1, ReadyReplicas: 2 } s ? s : null, "db-1 updated", letTimeFlow: true);
        var old = cluster.Pod("db-0")!;

        await cluster.Api.DeleteAsync<V1Pod>("default", "db-0", cancellationToken: TestCluster.Token);

        var back = await cluster.Until(() => cluster.Pod("db-0") is { } p && p.Metadata.Uid != old.Metadata.Uid && TestCluster.IsReady(p) ? p : null, "db-0 again", letTimeFlow: true);
        back.Spec.Containers[0].Image.Should().Be("postgres:17", "below the partition a pod keeps the current revision");
        back.Metadata.Labels["controller-revision-hash"].Should().Be(status.CurrentRevision);
        cluster.Pod("db-1")!.Metadata.Labels["controller-revision-hash"].Should().Be(status.UpdateRevision);
        cluster.Api.List<V1ControllerRevision>("default").Select(r => r.Metadata.Name).Should().BeEquivalentTo([status.CurrentRevision, status.UpdateRevision]);
    }

    [Fact]
    public async Task An_on_delete_set_keeps_its_pods_until_one_is_deleted()
    {
        await using var cluster = await StartAsync();
        var set = Database(replicas: 2);
        set.Spec.UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "OnDelete" };
        await cluster.Api.CreateAsync(set, cancellationToken: TestCluster.Token);
        var first = await cluster.Until(() => cluster.Pods("default", "app=db") is { Count: 2 } p && p.All(TestCluster.IsReady) ? p : null, "two ready pods", letTimeFlow: true);

        var patched = await cluster.Api.PatchAsync<V1StatefulSet>("default", "db", PatchType.Merge,
            """{"spec":{"template":{"spec":{"containers":[{"name":"db","image":"postgres:17.2"}]}}}}""", cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Api.Get<V1StatefulSet>("default", "db")!.Status.ObservedGeneration == patched.Metadata.Generation, "the new template observed", letTimeFlow: true);
        cluster.Pods("default", "app=db").Select(p => p.Metadata.Uid).Should().BeEquivalentTo(first.Select(p => p.Metadata.Uid));

        await cluster.Api.DeleteAsync<V1Pod>("default", "db-0", cancellationToken: TestCluster.Token);

        var replacement = await cluster.Until(() => cluster.Pod("db-0") is { } p && p.Metadata.Uid != first[0].Metadata.Uid && TestCluster.IsReady(p) ? p : null, "db-0 again", letTimeFlow: true);
        replacement.Spec.Containers[0].Image.Should().Be("postgres:17.2");
        cluster.Pod("db-1")!.Spec.Containers[0].Image.Should().Be("postgres:17");
    }

    /// <summary>"deleting {pod}" when a pod is marked for deletion and "deleted {pod}" when it leaves the API, in order.</summary>
    private static List<string> DeletionSteps(WatchSubscription watch)
    {
        var steps = new List<string>();
        foreach (var change in WatchReplay.Changes(watch))
        {
            var pod = change.Item.ToModel<V1Pod>();
            var step = change.Type == WatchEventType.Deleted ? $"deleted {pod.Metadata.Name}"
                : pod.Metadata.DeletionTimestamp is not null ? $"deleting {pod.Metadata.Name}"
                : null;
            if (step is not null && !steps.Contains(step))
            {
                steps.Add(step);
            }
        }

        return steps;
    }
}
