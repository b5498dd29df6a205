using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Tests.Support;
using AdmissionGuard.Testing;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Http;

/// <summary>
/// The real kubectl 1.32, typed as people type it, against a sandbox running the simulated cluster: generators
/// (protobuf bodies), rollouts and rollbacks, scaling, waiting, node maintenance, jobs, tokens and edits, each effect checked.
/// </summary>
public sealed class KubectlWorkflowTests
{
    /// <summary>A DaemonSet for the rollout tests, its CHANGE-CAUSE "install".</summary>
    private const string AgentDaemonSet = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, annotations: {kubernetes.io/change-cause: install}}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            # Stops at once when deleted instead of using up its 30 s grace period, as a process ignoring SIGTERM would.
            metadata: {labels: {app: agent}, annotations: {sandbox.admissionguard.io/shutdown-delay: 100ms}}
            spec: {containers: [{name: agent, image: busybox}]}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_namespace_and_deployment_then_rollout_status_scale_and_wait_for_ready()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1", "node-2");
        var kubectl = sandbox.Kubectl;

        var ns = await kubectl.RunAsync("create namespace shop");
        var deployment = await kubectl.RunAsync("create deployment web --image=nginx --replicas=3 -n shop");
        var rollout = await kubectl.RunAsync("rollout status deployment/web -n shop --timeout=30s");
        var scaled = await kubectl.RunAsync("scale deployment web --replicas=5 -n shop");
        var waited = await kubectl.RunAsync("wait --for=condition=Ready pod -l app=web -n shop --timeout=30s");

        ns.Output.Should().Contain("namespace/shop created", ns.Error);
        deployment.Output.Should().Contain("deployment.apps/web created", deployment.Error);
        rollout.Output.Should().Contain("deployment \"web\" successfully rolled out", rollout.Error);
        scaled.Output.Should().Contain("deployment.apps/web scaled", scaled.Error);
        sandbox.Server.Api.Get<V1Deployment>("shop", "web")!.Spec.Replicas.Should().Be(5);
        sandbox.Server.Requests.Requests().Should().Contain(r => r.Verb == "patch" && r.ResourcePath == "deployments/scale", "kubectl scale patches the scale subresource");
        waited.ExitCode.Should().Be(0, waited.Error);
        waited.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(5).And.AllSatisfy(line => line.Should().EndWith("condition met"));
        var stored = sandbox.Server.Api.List<V1Deployment>("shop").Single();
        stored.Spec.Template.Spec.Containers.Should().ContainSingle().Which.Image.Should().Be("nginx");
        stored.Spec.Selector.MatchLabels.Should().Contain("app", "web");
    }

    [Fact]
    public async Task A_paused_deployment_scales_but_rolls_out_a_new_image_only_after_the_resume()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var api = sandbox.Server.Api;
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("create deployment web --image=nginx:1.27");
        await kubectl.RunAsync("rollout status deployment/web --timeout=30s");

        var paused = await kubectl.RunAsync("rollout pause deployment/web");
        await kubectl.RunAsync("set image deployment/web nginx=nginx:1.28");
        await kubectl.RunAsync("scale deployment web --replicas=2");
        await Simulation.Eventually.Until(api, () => api.List<V1Pod>("default").Count(p => p.Status?.Phase == "Running") == 2, "the second pod of the paused deployment");
        var whilePaused = api.Get<V1Deployment>("default", "web")!.Status.Conditions.Single(c => c.Type == "Progressing");
        var imagesWhilePaused = api.List<V1Pod>("default").Select(p => p.Spec.Containers[0].Image).ToList();
        var replicaSetsWhilePaused = api.List<V1ReplicaSet>("default").Count;

        var resumed = await kubectl.RunAsync("rollout resume deployment/web");
        var rollout = await kubectl.RunAsync("rollout status deployment/web --timeout=30s");

        paused.Output.Should().Contain("deployment.apps/web paused", paused.Error);
        whilePaused.Should().BeEquivalentTo(new { Status = "Unknown", Reason = "DeploymentPaused", Message = "Deployment is paused" });
        imagesWhilePaused.Should().Equal("nginx:1.27", "nginx:1.27");
        replicaSetsWhilePaused.Should().Be(1, "a paused deployment makes no replica set for its new template");
        resumed.Output.Should().Contain("deployment.apps/web resumed", resumed.Error);
        rollout.Output.Should().Contain("deployment \"web\" successfully rolled out", rollout.Error);
        await Simulation.Eventually.Until(api,
            () => api.List<V1Pod>("default").Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Spec.Containers[0].Image).Distinct().SequenceEqual(["nginx:1.28"]),
            "only pods of the new image");
        api.List<V1ReplicaSet>("default").Should().HaveCount(2);
    }

    [Fact]
    public async Task Rollout_status_fails_once_a_deployment_exceeds_its_progress_deadline()
    {
        Kubectl.RequireInstalled();
        // No node: the pod waits to be scheduled, and the rollout stands still.
        await using var sandbox = await StartClusterAsync();
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("apply -f -", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              progressDeadlineSeconds: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: "nginx:1.27"}]}
            """);

        var rollout = await kubectl.RunAsync("rollout status deployment/web --timeout=30s");

        rollout.ExitCode.Should().NotBe(0);
        rollout.Error.Should().Contain("deployment \"web\" exceeded its progress deadline");
    }

    [Fact]
    public async Task A_statefulset_rolls_out_lists_as_ready_and_scales_down_from_its_highest_ordinal()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var api = sandbox.Server.Api;
        var kubectl = sandbox.Kubectl;

        var applied = await kubectl.RunAsync("apply -f -", """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              replicas: 3
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}, annotations: {sandbox.admissionguard.io/shutdown-delay: 100ms}}
                spec: {containers: [{name: db, image: "postgres:17"}]}
            """);
        var rollout = await kubectl.RunAsync("rollout status statefulset/db --timeout=30s");
        var listed = await kubectl.RunAsync("get statefulsets");
        var scaled = await kubectl.RunAsync("scale statefulset db --replicas=1");
        await Simulation.Eventually.Until(api, () => api.List<V1Pod>("default") is [{ Metadata.Name: "db-0" }], "only db-0 left");

        applied.ExitCode.Should().Be(0, applied.Error);
        rollout.Output.Should().Contain("partitioned roll out complete: 3 new pods have been updated", rollout.Error);
        listed.Rows[0].Should().Equal("NAME", "READY", "AGE");
        listed.Rows[1][..2].Should().Equal("db", "3/3");
        scaled.Output.Should().Contain("statefulset.apps/db scaled", scaled.Error);
    }

    [Fact]
    public async Task Rollout_history_and_undo_of_a_statefulset_read_its_controller_revisions()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var api = sandbox.Server.Api;
        var kubectl = sandbox.Kubectl;
        const string Set = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, annotations: {kubernetes.io/change-cause: install}}
            spec:
              replicas: 2
              podManagementPolicy: Parallel
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}, annotations: {sandbox.admissionguard.io/shutdown-delay: 100ms}}
                spec: {containers: [{name: db, image: "postgres:17"}]}
            """;
        await kubectl.RunAsync("apply -f -", Set);
        await kubectl.RunAsync("rollout status statefulset/db --timeout=30s");
        await kubectl.RunAsync("apply -f -", Set.Replace("install", "upgrade", StringComparison.Ordinal).Replace("postgres:17", "postgres:17.2", StringComparison.Ordinal));
        await Simulation.Eventually.Until(api, () => api.Get<V1StatefulSet>("default", "db")!.Status is { UpdatedReplicas: 2, ReadyReplicas: 2 } s && s.CurrentRevision == s.UpdateRevision,
            "the upgrade rolled out");

        var history = await kubectl.RunAsync("rollout history statefulset/db");
        var undone = await kubectl.RunAsync("rollout undo statefulset/db");
        await Simulation.Eventually.Until(api,
            () => api.List<V1Pod>("default").Where(p => p.Metadata.DeletionTimestamp is null && StatusConditions.IsTrue(p.Status, "Ready")).Select(p => p.Spec.Containers[0].Image).ToList() is ["postgres:17", "postgres:17"],
            "both pods back on the first template");
        var revisions = api.List<V1ControllerRevision>("default");

        history.ExitCode.Should().Be(0, history.Error);
        history.Rows.TakeLast(2).Select(row => string.Join(' ', row)).Should().Equal("1 install", "2 upgrade");
        undone.Output.Should().Contain("statefulset.apps/db rolled back", undone.Error);
        revisions.Should().HaveCount(2, "the undo renumbers the first template's revision instead of making a third");
        revisions.Should().OnlyContain(r => r.Metadata.Labels.ContainsKey("controller.kubernetes.io/hash") && r.Metadata.OwnerReferences[0].Kind == "StatefulSet");
        var set = api.Get<V1StatefulSet>("default", "db")!;
        revisions.Single(r => r.Revision == 3).Metadata.Name.Should().Be(set.Status.UpdateRevision);
        api.List<V1Pod>("default").Should().OnlyContain(p => p.Metadata.Labels["controller-revision-hash"] == set.Status.UpdateRevision);
    }

    [Fact]
    public async Task Rollout_restart_of_a_daemonset_replaces_its_pods_and_rollout_status_waits_for_them()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1", "node-2");
        var kubectl = sandbox.Kubectl;

        var applied = await kubectl.RunAsync("apply -f -", AgentDaemonSet);
        var firstRollout = await kubectl.RunAsync("rollout status daemonset/agent --timeout=30s");
        var first = sandbox.Server.Api.List<V1Pod>("default").Select(p => p.Metadata.Uid).ToList();
        var restarted = await kubectl.RunAsync("rollout restart daemonset/agent");
        var secondRollout = await kubectl.RunAsync("rollout status daemonset/agent --timeout=30s");

        applied.Output.Should().Contain("daemonset.apps/agent created", applied.Error);
        firstRollout.Output.Should().Contain("daemon set \"agent\" successfully rolled out", firstRollout.Error);
        first.Should().HaveCount(2);
        restarted.Output.Should().Contain("daemonset.apps/agent restarted", restarted.Error);
        secondRollout.Output.Should().Contain("daemon set \"agent\" successfully rolled out", secondRollout.Error);
        var pods = sandbox.Server.Api.List<V1Pod>("default").Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        pods.Select(p => p.Spec.NodeName).Should().BeEquivalentTo(["node-1", "node-2"]);
        pods.Select(p => p.Metadata.Uid).Should().NotIntersectWith(first, "rollout restart replaced every pod");
        pods.Should().OnlyContain(p => p.Metadata.Annotations.ContainsKey("kubectl.kubernetes.io/restartedAt"));
    }

    [Fact]
    public async Task Rollout_history_and_undo_of_a_daemonset_read_its_controller_revisions_and_renumber_the_one_restored()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1", "node-2");
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("apply -f -", AgentDaemonSet);
        await kubectl.RunAsync("rollout status daemonset/agent --timeout=30s");
        await kubectl.RunAsync("annotate daemonset agent kubernetes.io/change-cause=upgrade --overwrite");
        await kubectl.RunAsync("set image daemonset/agent agent=busybox:2");
        await kubectl.RunAsync("rollout status daemonset/agent --timeout=30s");

        var history = await kubectl.RunAsync("rollout history daemonset/agent");
        var first = await kubectl.RunAsync("rollout history daemonset/agent --revision=1");
        var revisions = await kubectl.RunAsync("get controllerrevisions");
        var dryRun = await kubectl.RunAsync("rollout undo daemonset/agent --dry-run=server");
        var imageAfterDryRun = sandbox.Server.Api.Get<V1DaemonSet>("default", "agent")!.Spec.Template.Spec.Containers.Single().Image;
        var undone = await kubectl.RunAsync("rollout undo daemonset/agent");
        var rolledBack = await kubectl.RunAsync("rollout status daemonset/agent --timeout=30s");
        var again = await kubectl.RunAsync("rollout undo daemonset/agent --to-revision=3");
        var after = await kubectl.RunAsync("rollout history daemonset/agent");

        history.Rows.Should().BeEquivalentTo<string[]>([["daemonset.apps/agent"], ["REVISION", "CHANGE-CAUSE"], ["1", "install"], ["2", "upgrade"]], o => o.WithStrictOrdering());
        first.Output.Should().Contain("daemonset.apps/agent with revision #1", first.Error).And.MatchRegex(@"Image:\s+busybox\n");
        revisions.Rows[0].Should().Equal("NAME", "CONTROLLER", "REVISION", "AGE");
        revisions.Rows.Skip(1).Select(r => r[1..3]).Should().BeEquivalentTo<string[]>([["daemonset.apps/agent", "1"], ["daemonset.apps/agent", "2"]]);
        dryRun.Output.Should().Contain("daemonset.apps/agent rolled back (server dry run)", dryRun.Error);
        imageAfterDryRun.Should().Be("busybox:2", "a dry run changes nothing");
        undone.Output.Should().Contain("daemonset.apps/agent rolled back", undone.Error);
        rolledBack.Output.Should().Contain("daemon set \"agent\" successfully rolled out", rolledBack.Error);
        sandbox.Server.Api.List<V1Pod>("default").Where(p => p.Metadata.DeletionTimestamp is null).Should().HaveCount(2)
            .And.OnlyContain(p => p.Spec.Containers.Single().Image == "busybox");
        again.Output.Should().Contain("daemonset.apps/agent skipped rollback (current template already matches revision 3)", again.Error);
        after.Rows.Skip(1).Should().BeEquivalentTo<string[]>([["REVISION", "CHANGE-CAUSE"], ["2", "upgrade"], ["3", "install"]], o => o.WithStrictOrdering());
        sandbox.Server.Api.List<V1ControllerRevision>("default").Select(r => r.Metadata.Name)
            .Should().BeEquivalentTo(revisions.Rows.Skip(1).Select(r => r[0]), "the undo renumbered revision 1 instead of creating a third");
    }

    [Fact]
    public async Task Rollout_history_and_undo_of_a_deployment_read_the_revisions_of_its_replicasets()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1", "node-2");
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("create deployment web --image=nginx:1.26 --replicas=3");
        await kubectl.RunAsync("annotate deployment web kubernetes.io/change-cause=install");
        await kubectl.RunAsync("rollout status deployment/web --timeout=30s");
        await kubectl.RunAsync("set image deployment/web nginx=nginx:1.27");
        await kubectl.RunAsync("annotate deployment web kubernetes.io/change-cause=upgrade --overwrite");
        await kubectl.RunAsync("rollout status deployment/web --timeout=30s");

        var history = await kubectl.RunAsync("rollout history deployment/web");
        var first = await kubectl.RunAsync("rollout history deployment/web --revision=1");
        var unavailable = await kubectl.RunAsync("get deployment web -o jsonpath={.status.unavailableReplicas}");
        var undone = await kubectl.RunAsync("rollout undo deployment/web");
        var rolledBack = await kubectl.RunAsync("rollout status deployment/web --timeout=30s");
        var after = await kubectl.RunAsync("rollout history deployment/web");

        history.Rows.Should().BeEquivalentTo<string[]>([["deployment.apps/web"], ["REVISION", "CHANGE-CAUSE"], ["1", "install"], ["2", "upgrade"]], o => o.WithStrictOrdering());
        first.Output.Should().Contain("deployment.apps/web with revision #1", first.Error).And.MatchRegex(@"Image:\s+nginx:1\.26\n");
        unavailable.ExitCode.Should().Be(0, unavailable.Error);
        unavailable.Output.Should().BeEmpty("a zero count is left out of the status, as Go's omitempty does");
        undone.Output.Should().Contain("deployment.apps/web rolled back", undone.Error);
        rolledBack.Output.Should().Contain("deployment \"web\" successfully rolled out", rolledBack.Error);
        sandbox.Server.Api.List<V1Pod>("default").Where(p => p.Metadata.DeletionTimestamp is null).Should().HaveCount(3)
            .And.OnlyContain(p => p.Spec.Containers.Single().Image == "nginx:1.26");
        // The restored template's ReplicaSet gets the next revision, and keeps its old one in its history.
        after.Rows.Skip(1).Should().BeEquivalentTo<string[]>([["REVISION", "CHANGE-CAUSE"], ["2", "upgrade"], ["3", "install"]], o => o.WithStrictOrdering());
        var replicaSets = sandbox.Server.Api.List<V1ReplicaSet>("default");
        replicaSets.Should().HaveCount(2, "the undo reused the first template's ReplicaSet instead of creating a third");
        var restored = replicaSets.Single(r => r.Spec.Replicas == 3);
        restored.Metadata.Annotations.Should().Contain("deployment.kubernetes.io/revision", "3")
            .And.Contain("deployment.kubernetes.io/revision-history", "1")
            .And.Contain("deployment.kubernetes.io/desired-replicas", "3")
            .And.Contain("deployment.kubernetes.io/max-replicas", "4");
        sandbox.Server.Api.Get<V1Deployment>("default", "web")!.Metadata.Annotations.Should().Contain("deployment.kubernetes.io/revision", "3");
    }

    [Fact]
    public async Task Get_wide_describe_and_get_events_show_the_running_pods()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("create deployment web --image=nginx --replicas=2");
        await kubectl.RunAsync("wait --for=condition=Ready pod -l app=web --timeout=30s");
        var name = sandbox.Server.Api.List<V1Pod>("default")[0].Metadata.Name;

        var wide = await kubectl.RunAsync("get pods -o wide");
        var described = await kubectl.RunAsync($"describe pod {name}");
        // The node's own events (the kubelet's start-up, RegisteredNode) are another test's.
        var events = await kubectl.RunAsync("get events --field-selector involvedObject.kind!=Node");

        wide.Rows.Should().HaveCount(3);
        wide.Rows.Skip(1).Should().AllSatisfy(row => row[..3].Should().Equal(row[0], "1/1", "Running"))
            .And.AllSatisfy(row => row[6].Should().Be("node-1"));
        described.ExitCode.Should().Be(0, described.Error);
        described.Output.Should().Contain($"Name:             {name}").And.Contain("Node:             node-1/").And.Contain("Image:          nginx");
        // kubectl decodes the events typed: an eventTime without six fractional digits failed that, and it printed <none>.
        described.Output.Should().MatchRegex($@"Events:\n.*\n.*\n  Normal  Scheduled +\S+\s+default-scheduler  Successfully assigned default/{name} to node-1\n");
        events.ExitCode.Should().Be(0, events.Error);
        events.Rows.Skip(1).Where(row => row[2] == "Scheduled").Should().HaveCount(2).And.AllSatisfy(row => row[1].Should().Be("Normal"));
        string[] kubelet = ["Pulling", "Pulled", "Created", "Started"];
        events.Rows.Skip(1).Select(row => row[2]).Should().BeEquivalentTo(
            ["Scheduled", "Scheduled", "SuccessfulCreate", "SuccessfulCreate", "ScalingReplicaSet", .. kubelet, .. kubelet],
            "the replica set and deployment controllers record theirs too, and the kubelet its container events");
        sandbox.Server.Api.List<Corev1Event>("default").First(e => e.Reason == "Scheduled").EventTime.Should().NotBeNull();
        var stored = await kubectl.RunAsync("get events -o jsonpath={.items[*].eventTime}");
        stored.Output.Split(' ')[0].Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", "a MicroTime as kube-apiserver encodes it");
    }

    [Fact]
    public async Task Get_prints_the_upstream_columns_of_events_workloads_budgets_and_leases()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("create deployment web --image=nginx --replicas=2");
        await kubectl.RunAsync("create pdb web --selector=app=web --min-available=1");
        await kubectl.RunAsync("apply -f -", """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec: {nodeSelector: {disk: ssd}, containers: [{name: agent, image: busybox}]}
            """);
        await kubectl.RunAsync("rollout status deployment/web --timeout=30s");
        await sandbox.Server.Api.CreateAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "web-1.restart", NamespaceProperty = "default" },
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "web-1", NamespaceProperty = "default" },
            Type = "Normal",
            Reason = "UnmanagedPodEvicted",
            Message = "Evicted so that it restarts under Cilium ",
            Source = new V1EventSource { Component = "admissionguard" },
            Count = 3,
            // Ages that read the same for a whole minute, however slow the machine.
            FirstTimestamp = DateTime.UtcNow.AddHours(-5),
            LastTimestamp = DateTime.UtcNow.AddMinutes(-30),
        }, cancellationToken: Ct);
        await Simulation.Eventually.Until(sandbox.Server.Api, () => sandbox.Server.Api.Get<V1PodDisruptionBudget>("default", "web")?.Status?.DisruptionsAllowed == 1, "the budget allows one disruption");

        await sandbox.Server.Api.CreateAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "leader", NamespaceProperty = "default" }, Spec = new V1LeaseSpec { HolderIdentity = "guard-1" } }, cancellationToken: Ct);

        var leases = await kubectl.RunAsync("get leases");
        var events = await kubectl.RunAsync("get events --field-selector involvedObject.kind!=Node");
        var wideEvents = await kubectl.RunAsync("get events -o wide --field-selector involvedObject.kind!=Node");
        var daemonSets = await kubectl.RunAsync("get daemonsets -o wide");
        var deployments = await kubectl.RunAsync("get deployments");
        var replicaSets = await kubectl.RunAsync("get replicasets");
        var budgets = await kubectl.RunAsync("get pdb");

        events.Rows.Take(2).Should().BeEquivalentTo<string[]>(
            [
                ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
                ["30m", "Normal", "UnmanagedPodEvicted", "pod/web-1", "Evicted so that it restarts under Cilium"],
            ],
            o => o.WithStrictOrdering());
        events.Rows.Skip(2).Where(row => row[2] == "Scheduled").Should().HaveCount(2, "the scheduler recorded each of the Deployment's pods")
            .And.AllSatisfy(row => row[1].Should().Be("Normal"));
        wideEvents.Rows[0].Should().Equal("LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME");
        wideEvents.Rows[1][^4..].Should().Equal("Evicted so that it restarts under Cilium", "5h", "3", "web-1.restart");
        wideEvents.Rows.First(row => row[2] == "Scheduled")[4].Should().Be("default-scheduler, default-scheduler-sandbox", "an events.k8s.io event names its reporting controller and instance");
        wideEvents.Rows.First(row => row[2] == "SuccessfulCreate")[4].Should().Be("replicaset-controller", "a legacy event names its source component");
        daemonSets.Rows.Should().BeEquivalentTo<string[]>(
            [
                ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
                ["agent", "0", "0", "0", "0", "0", "disk=ssd", daemonSets.Rows[1][7], "agent", "busybox", "app=agent"],
            ],
            o => o.WithStrictOrdering());
        deployments.Rows.Should().BeEquivalentTo<string[]>([["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], ["web", "2/2", "2", "2", deployments.Rows[1][4]]], o => o.WithStrictOrdering());
        replicaSets.Rows[0].Should().Equal("NAME", "DESIRED", "CURRENT", "READY", "AGE");
        replicaSets.Rows[1][1..4].Should().Equal("2", "2", "2");
        leases.Rows.Should().BeEquivalentTo<string[]>([["NAME", "HOLDER", "AGE"], ["leader", "guard-1", leases.Rows[1][2]]], o => o.WithStrictOrdering());
        budgets.Rows.Should().BeEquivalentTo<string[]>([["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"], ["web", "1", "N/A", "1", budgets.Rows[1][4]]], o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Label_annotate_cordon_and_uncordon_change_the_stored_objects()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("create deployment web --image=nginx");
        var pod = (await Simulation.Eventually.Until(sandbox.Server.Api, () => sandbox.Server.Api.List<V1Pod>("default") is [var first, ..] ? first : null, "the deployment's pod")).Metadata.Name;

        var labelled = await kubectl.RunAsync($"label pod {pod} tier=front");
        var annotated = await kubectl.RunAsync("annotate deployment web owner=team-a");
        var cordoned = await kubectl.RunAsync("cordon node-1");
        var wasUnschedulable = sandbox.Server.Api.Get<V1Node>(null, "node-1")!.Spec.Unschedulable;
        var uncordoned = await kubectl.RunAsync("uncordon node-1");

        labelled.Output.Should().Contain($"pod/{pod} labeled", labelled.Error);
        annotated.Output.Should().Contain("deployment.apps/web annotated", annotated.Error);
        cordoned.Output.Should().Contain("node/node-1 cordoned", cordoned.Error);
        uncordoned.Output.Should().Contain("node/node-1 uncordoned", uncordoned.Error);
        sandbox.Server.Api.Get<V1Pod>("default", pod)!.Metadata.Labels.Should().Contain("tier", "front");
        sandbox.Server.Api.Get<V1Deployment>("default", "web")!.Metadata.Annotations.Should().Contain("owner", "team-a");
        wasUnschedulable.Should().BeTrue();
        sandbox.Server.Api.Get<V1Node>(null, "node-1")!.Spec.Unschedulable.Should().NotBe(true);
    }

    [Fact]
    public async Task Drain_evicts_through_the_eviction_api_and_waits_on_a_disruption_budget()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1", "node-2");
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("cordon node-2");
        await kubectl.RunAsync("create deployment web --image=nginx --replicas=2");
        await kubectl.RunAsync("wait --for=condition=Ready pod -l app=web --timeout=30s");
        var pdb = await kubectl.RunAsync("create pdb web --selector=app=web --min-available=2");
        await Simulation.Eventually.Until(sandbox.Server.Api, () => sandbox.Server.Api.Get<V1PodDisruptionBudget>("default", "web")?.Status?.CurrentHealthy == 2, "the budget counts both pods");

        var blocked = await kubectl.RunAsync("drain node-1 --ignore-daemonsets --delete-emptydir-data --timeout=3s");
        await kubectl.RunAsync("uncordon node-2");
        await kubectl.RunAsync("patch pdb web --type=merge -p '{\"spec\":{\"minAvailable\":1}}'");
        var drained = await kubectl.RunAsync("drain node-1 --ignore-daemonsets --delete-emptydir-data --timeout=45s");

        pdb.Output.Should().Contain("poddisruptionbudget.policy/web created", pdb.Error);
        blocked.ExitCode.Should().NotBe(0);
        blocked.Error.Should().Contain("Cannot evict pod as it would violate the pod's disruption budget");
        drained.ExitCode.Should().Be(0, drained.Error);
        drained.Output.Should().Contain("node/node-1 drained");
        sandbox.Server.Api.List<V1Pod>("default").Where(p => p.Metadata.DeletionTimestamp is null).Should().OnlyContain(p => p.Spec.NodeName != "node-1");
    }

    [Fact]
    public async Task Generators_create_configmaps_secrets_service_accounts_tokens_and_rbac()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync();
        var kubectl = sandbox.Kubectl;

        var configMap = await kubectl.RunAsync("create configmap app --from-literal=mode=fast --from-literal=level=3");
        var secret = await kubectl.RunAsync("create secret generic creds --from-literal=password=s3cret");
        var account = await kubectl.RunAsync("create serviceaccount robot");
        var token = await kubectl.RunAsync("create token robot --duration=20m");
        var priority = await kubectl.RunAsync("create priorityclass high --value=1000 --description=important");
        var role = await kubectl.RunAsync("create role reader --verb=get,list --resource=pods");
        var binding = await kubectl.RunAsync("create rolebinding robot-reads --role=reader --serviceaccount=default:robot");
        var service = await kubectl.RunAsync("create service clusterip web --tcp=80:8080");
        var cronJob = await kubectl.RunAsync("create cronjob nightly --image=busybox --schedule='0 3 * * *'");
        var defaultToken = await kubectl.RunAsync("create token default");
        var accounts = await kubectl.RunAsync("get serviceaccounts");

        configMap.Output.Should().Contain("configmap/app created", configMap.Error);
        sandbox.Server.Api.Get<V1ConfigMap>("default", "app")!.Data.Should().Equal(new Dictionary<string, string> { ["level"] = "3", ["mode"] = "fast" });
        secret.Output.Should().Contain("secret/creds created", secret.Error);
        var stored = sandbox.Server.Api.Get<V1Secret>("default", "creds")!;
        System.Text.Encoding.UTF8.GetString(stored.Data["password"]).Should().Be("s3cret");
        stored.Type.Should().Be("Opaque");
        account.Output.Should().Contain("serviceaccount/robot created", account.Error);
        token.ExitCode.Should().Be(0, token.Error);
        token.Output.Trim().Split('.').Should().HaveCount(3);
        defaultToken.ExitCode.Should().Be(0, "the service account controller made default: " + defaultToken.Error);
        accounts.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2]))
            .Should().Equal("NAME SECRETS", "default 0", "robot 0");
        priority.Output.Should().Contain("priorityclass.scheduling.k8s.io/high created", priority.Error);
        sandbox.Server.Api.Get<V1PriorityClass>(null, "high")!.Value.Should().Be(1000);
        role.Output.Should().Contain("role.rbac.authorization.k8s.io/reader created", role.Error);
        sandbox.Server.Api.Get<V1Role>("default", "reader")!.Rules.Should().ContainSingle().Which.Verbs.Should().Equal("get", "list");
        binding.Output.Should().Contain("rolebinding.rbac.authorization.k8s.io/robot-reads created", binding.Error);
        sandbox.Server.Api.Get<V1RoleBinding>("default", "robot-reads")!.Subjects.Should().ContainSingle().Which.Name.Should().Be("robot");
        service.Output.Should().Contain("service/web created", service.Error);
        var port = sandbox.Server.Api.Get<V1Service>("default", "web")!.Spec.Ports.Should().ContainSingle().Subject;
        (port.Port, port.TargetPort.Value).Should().Be((80, "8080"));
        cronJob.Output.Should().Contain("cronjob.batch/nightly created", cronJob.Error);
        var schedule = sandbox.Server.Api.Get<V1CronJob>("default", "nightly")!.Spec;
        schedule.Schedule.Should().Be("0 3 * * *");
        schedule.JobTemplate.Spec.Template.Spec.Containers.Should().ContainSingle().Which.Image.Should().Be("busybox");
    }

    [Fact]
    public async Task Create_job_runs_its_pod_to_completion()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var kubectl = sandbox.Kubectl;

        var created = await kubectl.RunAsync("create job once --image=busybox");
        var waited = await kubectl.RunAsync("wait --for=condition=Complete job/once --timeout=30s");

        created.Output.Should().Contain("job.batch/once created", created.Error);
        waited.Output.Should().Contain("job.batch/once condition met", waited.Error);
        var job = sandbox.Server.Api.Get<V1Job>("default", "once")!;
        job.Status.Succeeded.Should().Be(1);
        job.Status.CompletionTime.Should().NotBeNull();
        sandbox.Server.Api.List<V1Pod>("default").Should().ContainSingle().Which.Status.Phase.Should().Be("Succeeded");
    }

    [Fact]
    public async Task Apply_server_side_all_three_patch_types_edit_and_delete_change_the_object()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync();
        var kubectl = sandbox.Kubectl;
        const string ConfigMap = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              color: blue
            """;
        var editor = Path.Combine(Path.GetTempPath(), $"kube-editor-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(editor, "#!/bin/sh\nsed -i 's/color: green/color: red/' \"$1\"\n", Ct);
        try
        {
            var applied = await kubectl.RunAsync("apply --server-side -f -", ConfigMap);
            var json = await kubectl.RunAsync("patch configmap settings --type=json -p '[{\"op\":\"add\",\"path\":\"/data/size\",\"value\":\"L\"}]'");
            var merge = await kubectl.RunAsync("patch configmap settings --type=merge -p '{\"data\":{\"color\":\"green\"}}'");
            var strategic = await kubectl.RunAsync("patch configmap settings -p '{\"metadata\":{\"labels\":{\"team\":\"a\"}}}'");
            var edited = await kubectl.RunAsync("edit configmap settings", environment: new Dictionary<string, string> { ["KUBE_EDITOR"] = $"sh {editor}" });
            var afterEdit = sandbox.Server.Api.Get<V1ConfigMap>("default", "settings")!;
            var deleted = await kubectl.RunAsync("delete configmap settings");

            applied.Output.Should().Contain("configmap/settings serverside-applied", applied.Error);
            json.Output.Should().Contain("configmap/settings patched", json.Error);
            merge.Output.Should().Contain("configmap/settings patched", merge.Error);
            strategic.Output.Should().Contain("configmap/settings patched", strategic.Error);
            edited.Output.Should().Contain("configmap/settings edited", edited.Error);
            afterEdit.Data.Should().Equal(new Dictionary<string, string> { ["color"] = "red", ["size"] = "L" });
            afterEdit.Metadata.Labels.Should().Contain("team", "a");
            deleted.Output.Should().Contain("configmap \"settings\" deleted", deleted.Error);
            sandbox.Server.Api.Get<V1ConfigMap>("default", "settings").Should().BeNull();
        }
        finally
        {
            File.Delete(editor);
        }
    }

    [Fact]
    public async Task Logs_answer_an_empty_stream_and_exec_a_status_naming_what_the_sandbox_lacks()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("run web --image=nginx");
        await kubectl.RunAsync("wait --for=condition=Ready pod/web --timeout=30s");

        var logs = await kubectl.RunAsync("logs web");
        var previous = await kubectl.RunAsync("logs web --previous");
        var exec = await kubectl.RunAsync("exec web -- ls");

        logs.ExitCode.Should().Be(0, logs.Error);
        logs.Output.Should().BeEmpty();
        previous.ExitCode.Should().NotBe(0);
        previous.Error.Should().Contain("previous terminated container \"web\" in pod \"web\" not found", "the container never restarted");
        exec.ExitCode.Should().NotBe(0);
        exec.Error.Should().Contain("the sandbox runs no containers: pods/exec is not supported");
    }

    [Fact]
    public async Task A_pod_of_a_missing_service_account_is_forbidden_and_describe_shows_the_token_mount_of_one_admitted()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync();
        var kubectl = sandbox.Kubectl;

        var refused = await kubectl.RunAsync("create -f -", """
            apiVersion: v1
            kind: Pod
            metadata: {name: ghost}
            spec: {serviceAccountName: ghost, containers: [{name: app, image: nginx}]}
            """);
        await kubectl.RunAsync("run web --image=nginx");
        var described = await kubectl.RunAsync("describe pod web");

        refused.ExitCode.Should().NotBe(0);
        refused.Error.Should().Contain("""Error from server (Forbidden): error when creating "STDIN": pods "ghost" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found""");
        described.Output.Should().MatchRegex(@"Mounts:\n\s+/var/run/secrets/kubernetes\.io/serviceaccount from kube-api-access-[a-z0-9]{5} \(ro\)\n", described.Error);
        described.Output.Should().MatchRegex(@"kube-api-access-[a-z0-9]{5}:\n\s+Type:\s+Projected \(a volume that contains injected data from multiple sources\)\n\s+TokenExpirationSeconds:\s+3607\n\s+ConfigMapName:\s+kube-root-ca\.crt\n");
    }

    [Fact]
    public async Task Get_cs_lists_the_components_healthy_with_the_deprecation_warning_and_refuses_what_upstream_refuses()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync();
        var kubectl = sandbox.Kubectl;

        var statuses = await kubectl.RunAsync("get cs");
        var one = await kubectl.RunAsync("get componentstatus scheduler -o jsonpath={.conditions[0].type}={.conditions[0].status}");
        var unknown = await kubectl.RunAsync("get cs nope");
        var deleted = await kubectl.RunAsync("delete cs scheduler");
        var resources = await kubectl.RunAsync("api-resources --api-group= -o wide");
        var explained = await kubectl.RunAsync("explain cs.conditions");

        statuses.ExitCode.Should().Be(0, statuses.Error);
        statuses.Rows.Should().BeEquivalentTo<string[]>(
            [["NAME", "STATUS", "MESSAGE", "ERROR"], ["controller-manager", "Healthy", "ok"], ["etcd-0", "Healthy", "ok"], ["scheduler", "Healthy", "ok"]],
            o => o.WithStrictOrdering());
        statuses.Error.Should().Contain("Warning: v1 ComponentStatus is deprecated in v1.19+");
        one.Output.Should().Be("Healthy=True");
        unknown.ExitCode.Should().NotBe(0);
        unknown.Error.Should().Contain("Error from server (InternalError): Internal error occurred: Component not found: nope", "upstream's storage returns an untyped error");
        deleted.ExitCode.Should().NotBe(0);
        deleted.Error.Should().Contain("(MethodNotAllowed)");
        resources.Rows.Should().ContainSingle(r => r[0] == "componentstatuses").Which.Should().Equal(
            ["componentstatuses", "cs", "v1", "false", "ComponentStatus", "get,list"]);
        explained.Output.Should().Contain("KIND:       ComponentStatus").And.Contain("FIELD: conditions <[]ComponentCondition>", explained.Error);
    }

    [Fact]
    public async Task Get_finds_every_newly_served_kind_by_its_short_name()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync();

        var listed = await sandbox.Kubectl.RunAsync("get cm,sa,svc,ep,jobs,cj,hpa,pc,roles,rolebindings,clusterroles,clusterrolebindings");

        listed.ExitCode.Should().Be(0, listed.Error);
        listed.Error.Should().NotContain("doesn't have a resource type");
    }

    [Fact]
    public async Task Autoscale_names_the_api_version_the_sandbox_lacks_and_expose_creates_a_service()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync();
        await sandbox.Kubectl.RunAsync("create deployment web --image=nginx");

        var autoscaled = await sandbox.Kubectl.RunAsync("autoscale deployment web --max=3 --cpu-percent=50");
        var exposed = await sandbox.Kubectl.RunAsync("expose deployment web --port=80");

        autoscaled.ExitCode.Should().NotBe(0);
        autoscaled.Error.Should().Contain("the sandbox serves horizontalpodautoscalers.autoscaling only as autoscaling/v2, not autoscaling/v1");
        exposed.Output.Should().Contain("service/web exposed", exposed.Error);
        sandbox.Server.Api.Get<V1Service>("default", "web")!.Spec.Selector.Should().Contain("app", "web");
    }

    [Fact]
    public async Task Get_services_shows_the_apiservers_own_and_the_addresses_and_node_ports_given_to_new_ones()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync();
        await sandbox.Kubectl.RunAsync("create deployment web --image=nginx");
        await sandbox.Kubectl.RunAsync("expose deployment web --port=80 --target-port=8080");
        await sandbox.Kubectl.RunAsync("create service nodeport edge --tcp=443:8443 --node-port=30443");

        var services = await sandbox.Kubectl.RunAsync("get services -o wide");
        var taken = await sandbox.Kubectl.RunAsync("create service clusterip other --clusterip=10.96.0.1 --tcp=80:80");

        var web = sandbox.Server.Api.Get<V1Service>("default", "web")!;
        var lines = services.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        lines[0].Should().Be("NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR", services.Error);
        lines.Should().Contain(l => l.StartsWith("kubernetes ClusterIP 10.96.0.1 <none> 443/TCP ", StringComparison.Ordinal) && l.EndsWith(" <none>", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith($"web ClusterIP {web.Spec.ClusterIP} <none> 80/TCP ", StringComparison.Ordinal) && l.EndsWith(" app=web", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("edge NodePort 10.", StringComparison.Ordinal) && l.Contains(" <none> 443:30443/TCP ", StringComparison.Ordinal));
        web.Spec.ClusterIP.Should().StartWith("10.").And.NotBe("10.96.0.1");
        taken.ExitCode.Should().NotBe(0);
        taken.Error.Should().Contain("spec.clusterIPs: Invalid value: []string{\"10.96.0.1\"}: failed to allocate IP 10.96.0.1: provided IP is already allocated");
    }

    [Fact]
    public async Task Get_endpointslices_and_describe_service_show_the_ready_pods_behind_a_service()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var api = sandbox.Server.Api;
        await sandbox.Kubectl.RunAsync("create deployment web --image=nginx --replicas=2");
        await sandbox.Kubectl.RunAsync("expose deployment web --port=80 --target-port=8080");
        var ips = await Simulation.Eventually.Until(api, () => api.List<V1EndpointSlice>("default", ServiceSlices("web")) is [{ Endpoints: [{ Conditions.Ready: true }, { Conditions.Ready: true }] } slice]
            ? slice.Endpoints.Select(e => e.Addresses.Single()).ToList()
            : null, "both pods ready in the Service's slice");

        var slices = await sandbox.Kubectl.RunAsync("get endpointslices -l kubernetes.io/service-name=web");
        var described = await sandbox.Kubectl.RunAsync("describe service web");

        slices.Rows[0].Should().Equal(["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], slices.Error);
        slices.Rows.Skip(1).Should().ContainSingle().Which[..4].Should().SatisfyRespectively(
            name => name.Should().MatchRegex("^web-[a-z0-9]{5}$"), type => type.Should().Be("IPv4"), ports => ports.Should().Be("8080"),
            endpoints => endpoints.Should().Be(string.Join(',', ips)));
        described.Output.Should().MatchRegex($"Endpoints:\\s+{ips[0]}:8080,{ips[1]}:8080\\n", described.Error);
    }

    [Fact]
    public async Task Describe_service_shows_the_endpoints_written_for_a_service_without_a_selector()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync();
        var api = sandbox.Server.Api;
        var applied = await sandbox.Kubectl.RunAsync("apply -f -", """
            apiVersion: v1
            kind: Service
            metadata: {name: db}
            spec: {ports: [{port: 5432}]}
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db}
            subsets: [{addresses: [{ip: 192.0.2.10}, {ip: 192.0.2.11}], ports: [{port: 5432}]}]
            """);
        await Simulation.Eventually.Until(api, () => api.List<V1EndpointSlice>("default", ServiceSlices("db")) is [{ Endpoints.Count: 2 }], "the Endpoints mirrored into a slice");

        var described = await sandbox.Kubectl.RunAsync("describe service db");

        applied.ExitCode.Should().Be(0, applied.Error);
        described.Output.Should().MatchRegex("Endpoints:\\s+192\\.0\\.2\\.10:5432,192\\.0\\.2\\.11:5432\\n", described.Error);
    }

    [Fact]
    public async Task Auth_can_i_says_the_sandbox_authorizes_nothing_instead_of_answering_yes()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync();

        var canI = await sandbox.Kubectl.RunAsync("auth can-i delete pods --as=system:serviceaccount:admissionguard-system:admissionguard");

        canI.ExitCode.Should().NotBe(0);
        canI.Output.Should().NotContain("yes");
        canI.Error.Should().Contain("the sandbox does not authorize requests (RBAC objects are stored, not enforced)");
    }

    [Fact]
    public async Task Describe_node_shows_the_kubelets_lease_in_kube_node_lease_and_the_start_up_events()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var api = sandbox.Server.Api;
        var node = api.Get<V1Node>(null, "node-1")!;
        var lease = await Simulation.Eventually.Until(api, () => api.Get<V1Lease>("kube-node-lease", "node-1"), "the kubelet's lease");
        await Simulation.Eventually.Until(api, () => api.List<Corev1Event>("default").Count(e => e.InvolvedObject.Kind == "Node") == 7, "the node's seven events");

        var described = await sandbox.Kubectl.RunAsync("describe node node-1");
        var leases = await sandbox.Kubectl.RunAsync("get leases -n kube-node-lease");

        lease.Spec.HolderIdentity.Should().Be("node-1");
        lease.Spec.LeaseDurationSeconds.Should().Be(40);
        lease.Metadata.OwnerReferences.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Kind = "Node", Name = "node-1", node.Metadata.Uid });
        described.Output.Should().MatchRegex("Lease:\\s+HolderIdentity:\\s+node-1\\s+AcquireTime:\\s+<unset>\\s+RenewTime:\\s+\\w{3}, ", described.Error);
        described.Output.Should().NotContain("Failed to get lease");
        leases.Rows.Skip(1).Should().ContainSingle().Which.Should().StartWith(["node-1", "node-1"]);
        // Two searches, merged: the node-controller's event is about the node's uid, the kubelet's about its name.
        var events = described.Output[described.Output.IndexOf("Events:", StringComparison.Ordinal)..];
        foreach (var line in new[]
        {
            @"Normal\s+RegisteredNode\s+\S+\s+node-controller\s+Node node-1 event: Registered Node node-1 in Controller",
            @"Normal\s+Starting\s+\S+\s+kubelet\s+Starting kubelet\.",
            @"Normal\s+NodeHasSufficientMemory\s+\S+\s+kubelet\s+Node node-1 status is now: NodeHasSufficientMemory",
            @"Normal\s+NodeHasNoDiskPressure\s+\S+\s+kubelet\s+Node node-1 status is now: NodeHasNoDiskPressure",
            @"Normal\s+NodeHasSufficientPID\s+\S+\s+kubelet\s+Node node-1 status is now: NodeHasSufficientPID",
            @"Normal\s+NodeAllocatableEnforced\s+\S+\s+kubelet\s+Updated Node Allocatable limit across pods",
            @"Normal\s+NodeReady\s+\S+\s+kubelet\s+Node node-1 status is now: NodeReady",
        })
        {
            events.Should().MatchRegex(line);
        }
    }

    [Fact]
    public async Task Describe_shows_the_controllers_events_as_kube_controller_manager_records_them()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1", "node-2");
        var api = sandbox.Server.Api;
        var kubectl = sandbox.Kubectl;

        await kubectl.RunAsync("create deployment web --image=nginx --replicas=2");
        var replicaSet = await Simulation.Eventually.Until(api, () => api.List<V1ReplicaSet>("default").SingleOrDefault(), "the deployment's replica set");
        await Simulation.Eventually.Until(api, () => api.List<V1Pod>("default").Count == 2, "two pods");
        await kubectl.RunAsync("scale deployment web --replicas=1");
        await Simulation.Eventually.Until(api, () => api.List<Corev1Event>("default").Any(e => e.Reason == "SuccessfulDelete"), "the replica set's delete event");
        await kubectl.RunAsync("apply -f -", AgentDaemonSet);
        await Simulation.Eventually.Until(api, () => api.List<Corev1Event>("default").Count(e => e.InvolvedObject.Kind == "DaemonSet") == 2, "the daemon set's create events");

        var deployment = await kubectl.RunAsync("describe deployment web");
        var replicas = await kubectl.RunAsync($"describe replicaset {replicaSet.Metadata.Name}");
        var events = api.List<Corev1Event>("default");

        var rsName = replicaSet.Metadata.Name;
        deployment.Output.Should().MatchRegex($"Normal +ScalingReplicaSet +\\S+ +deployment-controller +Scaled up replica set {rsName} from 0 to 2");
        deployment.Output.Should().MatchRegex($"Normal +ScalingReplicaSet +\\S+ +deployment-controller +Scaled down replica set {rsName} from 2 to 1");
        replicas.Output.Should().MatchRegex($"Normal +SuccessfulCreate +\\S+ +replicaset-controller +Created pod: {rsName}-");
        replicas.Output.Should().MatchRegex($"Normal +SuccessfulDelete +\\S+ +replicaset-controller +Deleted pod: {rsName}-");
        var created = events.First(e => e.InvolvedObject.Kind == "DaemonSet");
        created.Should().BeEquivalentTo(new { Type = "Normal", Reason = "SuccessfulCreate", Count = 1, ReportingComponent = "daemonset-controller" });
        created.Source.Component.Should().Be("daemonset-controller");
        created.Message.Should().StartWith("Created pod: agent-");
        created.FirstTimestamp.Should().NotBeNull().And.Be(created.LastTimestamp);
        created.EventTime.Should().BeNull("the legacy recorder writes no eventTime");
        created.InvolvedObject.Should().BeEquivalentTo(new { ApiVersion = "apps/v1", Kind = "DaemonSet", Name = "agent", NamespaceProperty = "default" });
    }

    [Fact]
    public async Task Kubelet_events_show_each_containers_start_and_stop_as_kubelet_records_them()
    {
        Kubectl.RequireInstalled();
        await using var sandbox = await StartClusterAsync("node-1");
        var api = sandbox.Server.Api;
        var kubectl = sandbox.Kubectl;
        await kubectl.RunAsync("apply -f -", """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - {name: app, image: "nginx:1.27"}
              - {name: sidecar, image: busybox}
            """);
        await kubectl.RunAsync("wait --for=condition=Ready pod/web --timeout=30s");

        var described = await kubectl.RunAsync("describe pod web");
        await kubectl.RunAsync("delete pod web --wait=false");
        await Simulation.Eventually.Until(api, () => api.List<Corev1Event>("default").Count(e => e.Reason == "Killing") == 2, "a Killing event per container");
        var events = api.List<Corev1Event>("default").Where(e => e.Source?.Component == "kubelet" && e.InvolvedObject.Kind == "Pod").ToList();

        described.ExitCode.Should().Be(0, described.Error);
        described.Output.Should().MatchRegex("Normal +Pulled +\\S+ +kubelet +Container image \"nginx:1.27\" already present on machine\n");
        described.Output.Should().MatchRegex("Normal +Created +\\S+ +kubelet +Created container app\n");
        described.Output.Should().MatchRegex("Normal +Started +\\S+ +kubelet +Started container app\n");
        described.Output.Should().MatchRegex("Normal +Pulling +\\S+ +kubelet +Pulling image \"busybox\"\n", "an untagged image is pulled: imagePullPolicy Always");
        described.Output.Should().MatchRegex("Normal +Pulled +\\S+ +kubelet +Successfully pulled image \"busybox\" in 0s \\(0s including waiting\\)\\. Image size: 0 bytes\\.\n");
        events.Select(e => (e.InvolvedObject.FieldPath, e.Reason)).Should().BeEquivalentTo(
        [
            ("spec.containers{app}", "Pulled"), ("spec.containers{app}", "Created"), ("spec.containers{app}", "Started"), ("spec.containers{app}", "Killing"),
            ("spec.containers{sidecar}", "Pulling"), ("spec.containers{sidecar}", "Pulled"), ("spec.containers{sidecar}", "Created"),
            ("spec.containers{sidecar}", "Started"), ("spec.containers{sidecar}", "Killing"),
        ]);
        events.Should().AllSatisfy(e =>
        {
            e.Source.Host.Should().Be("node-1");
            e.ReportingInstance.Should().Be("node-1");
            e.Count.Should().Be(1);
        });
        events.Where(e => e.Reason == "Killing").Select(e => e.Message).Should().BeEquivalentTo(["Stopping container app", "Stopping container sidecar"]);
        events.Select(e => e.Metadata.Name).Should().OnlyHaveUniqueItems("names are unique even when recorded in one instant of the simulated clock");
    }

    private static Api.ListOptions ServiceSlices(string service) => new() { LabelSelector = $"kubernetes.io/service-name={service}" };

    private static async Task<SandboxFixture> StartClusterAsync(params string[] nodes)
    {
        var sandbox = await SandboxFixture.StartAsync(new SandboxOptions { Simulation = new SimulationOptions { StartupDelay = TimeSpan.FromMilliseconds(200) } });
        foreach (var node in nodes)
        {
            await sandbox.Server.Cluster!.AddNodeAsync(node, new NodeSetup { CiliumTaint = false }, Ct);
        }

        return sandbox;
    }
}
