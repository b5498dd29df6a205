using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>The DaemonSet controller's ControllerRevisions, as upstream's constructHistory and cleanupHistory keep them.</summary>
public sealed class DaemonSetHistoryTests
{
    private const string HashLabel = "controller-revision-hash";

    [Fact]
    public async Task A_daemonset_gets_a_revision_of_its_template_named_labelled_and_owned_as_upstream()
    {
        await using var cluster = await StartAsync("node-a");
        var daemonSet = Logger();
        daemonSet.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/change-cause"] = "first install" };
        var created = await cluster.Api.CreateAsync(daemonSet, cancellationToken: TestCluster.Token);

        var pod = await cluster.Until(() => cluster.Pods("default", "app=logger").SingleOrDefault(), "the DaemonSet's pod");
        var revision = await cluster.Until(() => Revisions(cluster).SingleOrDefault(), "the first revision");

        var hash = pod.Metadata.Labels[HashLabel];
        revision.Metadata.Name.Should().Be($"logger-{hash}");
        revision.Metadata.Labels.Should().Equal(new Dictionary<string, string> { ["app"] = "logger", [HashLabel] = hash });
        revision.Metadata.Annotations.Should().Contain("kubernetes.io/change-cause", "first install");
        revision.Metadata.OwnerReferences.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { ApiVersion = "apps/v1", Kind = "DaemonSet", Name = "logger", created.Metadata.Uid, Controller = true, BlockOwnerDeletion = true });
        revision.Revision.Should().Be(1);
        var template = Data(cluster, revision)["spec"]!["template"]!.AsObject();
        template.Select(p => p.Key).Should().Equal(["$patch", "metadata", "spec"], "Go writes the map's keys sorted");
        ((string?)template["$patch"]).Should().Be("replace");
        template["metadata"]!.ToJsonString().Should().Be("""{"creationTimestamp":null,"labels":{"app":"logger"}}""");
        template["spec"]!["containers"]!.ToJsonString().Should().Be("""[{"image":"fluent-bit","imagePullPolicy":"Always","name":"logger","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}]""");
    }

    [Fact]
    public async Task A_changed_template_makes_revision_2_and_an_undo_renumbers_revision_1_to_3_and_rolls_the_pods_back()
    {
        await using var cluster = await StartAsync("node-a", "node-b");
        await cluster.Api.CreateAsync(Logger(), cancellationToken: TestCluster.Token);
        await RolledOutAsync(cluster, "fluent-bit");
        var first = Revisions(cluster).Should().ContainSingle().Subject;

        await SetImageAsync(cluster, "fluent-bit:2");
        var second = (await RolledOutAsync(cluster, "fluent-bit:2")).Metadata.Labels[HashLabel];

        var revisions = Revisions(cluster);
        revisions.Select(r => (r.Metadata.Name, r.Revision)).Should().BeEquivalentTo([(first.Metadata.Name, 1L), ($"logger-{second}", 2L)]);

        // What kubectl rollout undo sends: the previous revision's data as a strategic merge patch.
        await cluster.Api.PatchAsync<V1DaemonSet>("default", "logger", PatchType.StrategicMerge, Data(cluster, first).ToJsonString(), cancellationToken: TestCluster.Token);

        var back = await RolledOutAsync(cluster, "fluent-bit");
        back.Metadata.Labels[HashLabel].Should().Be(first.Metadata.Labels[HashLabel], "the pods take the hash of the revision they run");
        var undone = await cluster.Until(() => Revisions(cluster) is { Count: 2 } r && r.Any(x => x.Revision == 3) ? r : null, "revision 1 renumbered");
        undone.Should().ContainSingle(r => r.Revision == 3).Which.Metadata.Uid.Should().Be(first.Metadata.Uid, "the old revision is reused, not copied");
        undone.Should().ContainSingle(r => r.Revision == 2).Which.Metadata.Name.Should().Be($"logger-{second}");
    }

    [Fact]
    public async Task Revisions_beyond_the_history_limit_are_pruned_oldest_first_unless_a_pod_still_runs_them()
    {
        await using var cluster = await StartAsync("node-a");
        var daemonSet = Logger();
        daemonSet.Spec.RevisionHistoryLimit = 0;
        daemonSet.Spec.UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "OnDelete" };
        await cluster.Api.CreateAsync(daemonSet, cancellationToken: TestCluster.Token);
        var pod = await RolledOutAsync(cluster, "fluent-bit");
        var first = Revisions(cluster).Should().ContainSingle().Subject;

        await SetImageAsync(cluster, "fluent-bit:2");
        await cluster.Until(() => Revisions(cluster).Count == 2, "revision 2");
        await SetImageAsync(cluster, "fluent-bit:3");

        var kept = await cluster.Until(() => Revisions(cluster) is { Count: 2 } r && r.Any(x => x.Revision == 3) ? r : null, "revision 2 pruned");
        kept.Select(r => r.Metadata.Name).Should().BeEquivalentTo([first.Metadata.Name, $"logger-{PodTemplates.Hash(cluster.Api.Get<V1DaemonSet>("default", "logger")!.Spec.Template)}"],
            "the OnDelete pod still runs revision 1");

        await cluster.Api.DeleteAsync<V1Pod>("default", pod.Metadata.Name, cancellationToken: TestCluster.Token);

        await cluster.Until(() => Revisions(cluster) is [{ Revision: 3 }], "revision 1 pruned once no pod runs it", letTimeFlow: true);
        cluster.Pods("default", "app=logger").Should().ContainSingle().Which.Spec.Containers.Single().Image.Should().Be("fluent-bit:3");
    }

    [Fact]
    public async Task Deleting_the_daemonset_collects_its_revisions()
    {
        await using var cluster = await StartAsync("node-a");
        await cluster.Api.CreateAsync(Logger(), cancellationToken: TestCluster.Token);
        await RolledOutAsync(cluster, "fluent-bit");
        await SetImageAsync(cluster, "fluent-bit:2");
        await cluster.Until(() => Revisions(cluster).Count == 2, "two revisions");

        await cluster.Api.DeleteAsync<V1DaemonSet>("default", "logger", cancellationToken: TestCluster.Token);

        await cluster.Until(() => Revisions(cluster).Count == 0, "the garbage collector removed the revisions");
    }

    private static async Task<TestCluster> StartAsync(params string[] nodes)
    {
        var cluster = TestCluster.Start();
        foreach (var node in nodes)
        {
            await cluster.Simulation.AddNodeAsync(node, new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        }

        return cluster;
    }

    private static V1DaemonSet Logger() =>
        SimulatedWorkloads.DaemonSet("logger", "default", new Dictionary<string, string> { ["app"] = "logger" }, "fluent-bit", hostNetwork: false, []);

    private static Task<V1DaemonSet> SetImageAsync(TestCluster cluster, string image) =>
        cluster.Api.PatchAsync<V1DaemonSet>("default", "logger", PatchType.StrategicMerge,
            """{"spec":{"template":{"spec":{"containers":[{"name":"logger","image":"IMAGE"}]}}}}""".Replace("IMAGE", image, StringComparison.Ordinal),
            cancellationToken: TestCluster.Token);

    /// <summary>Waits until every node runs one ready pod of <paramref name="image"/>, the only pods left; returns one of them.</summary>
    private static Task<V1Pod> RolledOutAsync(TestCluster cluster, string image) =>
        cluster.Until(() => cluster.Pods("default", "app=logger") is { Count: > 0 } pods
                && pods.Count == cluster.Api.List<V1Node>().Count
                && pods.All(p => TestCluster.IsReady(p) && p.Spec.Containers.Single().Image == image)
                ? pods[0]
                : null,
            $"every node runs a ready pod of {image}", letTimeFlow: true);

    private static IReadOnlyList<V1ControllerRevision> Revisions(TestCluster cluster) => cluster.Api.List<V1ControllerRevision>("default");

    private static JsonObject Data(TestCluster cluster, V1ControllerRevision revision) =>
        cluster.Api.Get(ResourceTypes.ControllerRevisions, "default", revision.Metadata.Name).ToJsonObject()["data"]!.AsObject();
}
