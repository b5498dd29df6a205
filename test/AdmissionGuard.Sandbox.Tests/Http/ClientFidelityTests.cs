using System.Net;
using AdmissionGuard.Sandbox.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Http;

/// <summary>KubernetesClient against the sandbox over HTTPS: lists, watches, conflicts, eviction, leases, patches, faults.</summary>
public sealed class ClientFidelityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static V1Pod Pod(string name, string app = "web", bool running = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }] },
        Status = running ? new V1PodStatus { Phase = "Running" } : null,
    };

    private static async Task<SandboxServer> StartAsync(SandboxOptions? options = null) => await SandboxServer.StartAsync(options, Ct);

    [Fact]
    public async Task List_pages_with_limit_and_continue_and_filters_by_label_and_field()
    {
        await using var sandbox = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod($"web-{i}", i < 3 ? "web" : "db"), "default", cancellationToken: Ct);
        }

        var first = await sandbox.Client.CoreV1.ListNamespacedPodAsync("default", limit: 2, cancellationToken: Ct);
        var second = await sandbox.Client.CoreV1.ListNamespacedPodAsync("default", limit: 2, continueParameter: first.Metadata.ContinueProperty, cancellationToken: Ct);
        var third = await sandbox.Client.CoreV1.ListNamespacedPodAsync("default", limit: 2, continueParameter: second.Metadata.ContinueProperty, cancellationToken: Ct);
        var databases = await sandbox.Client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: "app notin (web)", cancellationToken: Ct);
        var named = await sandbox.Client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "metadata.name=web-4", cancellationToken: Ct);

        first.Items.Select(p => p.Metadata.Name).Should().Equal("web-0", "web-1");
        first.Metadata.RemainingItemCount.Should().Be(3);
        second.Items.Select(p => p.Metadata.Name).Should().Equal("web-2", "web-3");
        third.Items.Select(p => p.Metadata.Name).Should().Equal("web-4");
        third.Metadata.ContinueProperty.Should().BeNull();
        databases.Items.Select(p => p.Metadata.Name).Should().Equal("web-3", "web-4");
        named.Items.Should().ContainSingle().Which.Metadata.Name.Should().Be("web-4");
    }

    [Fact]
    public async Task An_expired_continue_token_gets_410_with_a_token_for_the_rest_at_the_latest_revision()
    {
        await using var sandbox = await StartAsync(new SandboxOptions { WatchHistoryLimit = 2 });
        for (var i = 0; i < 3; i++)
        {
            await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod($"web-{i}"), "default", cancellationToken: Ct);
        }

        var first = await sandbox.Client.CoreV1.ListNamespacedPodAsync("default", limit: 2, cancellationToken: Ct);
        for (var i = 3; i < 6; i++)
        {
            await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod($"web-{i}"), "default", cancellationToken: Ct);
        }

        var continued = () => sandbox.Client.CoreV1.ListNamespacedPodAsync("default", limit: 2, continueParameter: first.Metadata.ContinueProperty, cancellationToken: Ct);

        var failure = (await continued.Should().ThrowAsync<HttpOperationException>()).Which;
        failure.Response.StatusCode.Should().Be(HttpStatusCode.Gone);
        var status = KubernetesJson.Deserialize<V1Status>(failure.Response.Content);
        status.Reason.Should().Be("Expired");
        var rest = await sandbox.Client.CoreV1.ListNamespacedPodAsync("default", continueParameter: status.Metadata.ContinueProperty, cancellationToken: Ct);
        rest.Items.Select(p => p.Metadata.Name).Should().Equal("web-2", "web-3", "web-4", "web-5");
    }

    [Fact]
    public async Task Watch_resumes_from_a_resource_version_with_only_later_changes()
    {
        await using var sandbox = await StartAsync();
        await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("before"), "default", cancellationToken: Ct);
        var list = await sandbox.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: Ct);
        await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("after"), "default", cancellationToken: Ct);
        await sandbox.Client.CoreV1.DeleteNamespacedPodAsync("before", "default", cancellationToken: Ct);

        var events = new List<(WatchEventType, string)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(20));
        await foreach (var (type, pod) in sandbox.Client.CoreV1.WatchListNamespacedPodAsync("default", resourceVersion: list.Metadata.ResourceVersion, cancellationToken: stop.Token))
        {
            events.Add((type, pod.Metadata.Name));
            if (events.Count == 2)
            {
                break;
            }
        }

        events.Should().Equal((WatchEventType.Added, "after"), (WatchEventType.Deleted, "before"));
    }

    [Fact]
    public async Task Watch_from_a_compacted_resource_version_gets_410_and_a_relist_recovers()
    {
        await using var sandbox = await StartAsync(new SandboxOptions { WatchHistoryLimit = 2 });
        var list = await sandbox.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: Ct);
        for (var i = 0; i < 4; i++)
        {
            await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod($"p{i}"), "default", cancellationToken: Ct);
        }

        Exception? error = null;
        await foreach (var _ in sandbox.Client.CoreV1.WatchListNamespacedPodAsync("default", resourceVersion: list.Metadata.ResourceVersion, onError: e => error = e, cancellationToken: Ct))
        {
        }

        var relisted = await sandbox.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: Ct);
        error.Should().BeOfType<KubernetesException>().Which.Status.Code.Should().Be(410);
        relisted.Items.Should().HaveCount(4);
    }

    [Fact]
    public async Task Update_with_a_stale_resource_version_is_a_409_conflict()
    {
        await using var sandbox = await StartAsync();
        var pod = await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: Ct);
        pod.Metadata.Labels["v"] = "1";
        await sandbox.Client.CoreV1.ReplaceNamespacedPodAsync(pod, "web", "default", cancellationToken: Ct);
        pod.Metadata.Labels["v"] = "2";

        var stale = () => sandbox.Client.CoreV1.ReplaceNamespacedPodAsync(pod, "web", "default", cancellationToken: Ct);

        (await stale.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Eviction_succeeds_with_201_and_is_refused_with_429_when_the_budget_allows_no_disruption()
    {
        await using var sandbox = await StartAsync();
        foreach (var name in new[] { "free", "guarded" })
        {
            await sandbox.Api.CreateAsync(Pod(name, name), cancellationToken: Ct);
            var stored = sandbox.Api.Get<V1Pod>("default", name)!;
            stored.Status.Phase = "Running";
            // Ready: an unready pod would be evicted without consuming the budget (currentHealthy >= desiredHealthy).
            stored.Status.Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }];
            await sandbox.Api.UpdateStatusAsync(stored, cancellationToken: Ct);
        }

        var budget = await sandbox.Api.CreateAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "guarded", NamespaceProperty = "default" },
            Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "guarded" } } },
        }, cancellationToken: Ct);
        budget.Status = new V1PodDisruptionBudgetStatus { DisruptionsAllowed = 0, CurrentHealthy = 1, DesiredHealthy = 1, ExpectedPods = 1 };
        await sandbox.Api.UpdateStatusAsync(budget, cancellationToken: Ct);

        static V1Eviction Eviction(string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" } };
        var evicted = await sandbox.Client.CoreV1.CreateNamespacedPodEvictionWithHttpMessagesAsync(Eviction("free"), "free", "default", cancellationToken: Ct);
        var refused = () => sandbox.Client.CoreV1.CreateNamespacedPodEvictionAsync(Eviction("guarded"), "guarded", "default", cancellationToken: Ct);

        evicted.Response.StatusCode.Should().Be(HttpStatusCode.Created);
        sandbox.Api.Get<V1Pod>("default", "free").Should().BeNull();
        var failure = (await refused.Should().ThrowAsync<HttpOperationException>()).Which;
        ((int)failure.Response.StatusCode).Should().Be(429);
        failure.Response.Content.Should().Contain("DisruptionBudget");
        sandbox.Api.Get<V1Pod>("default", "guarded").Should().NotBeNull();
    }

    [Fact]
    public async Task Lease_lock_elects_a_leader_through_the_sandbox()
    {
        await using var sandbox = await StartAsync();

        await LeadOnceAsync(new LeaseLock(sandbox.Client, "kube-system", "guard-leader", "replica-a"));

        sandbox.Api.Get<V1Lease>("kube-system", "guard-leader")!.Spec.HolderIdentity.Should().Be("replica-a");
    }

    [Fact]
    public async Task Endpoints_lock_elects_a_leader_through_the_sandbox()
    {
        // KubernetesClient's older lock kinds keep the leader record in an annotation of a core/v1 object.
        await using var sandbox = await StartAsync();

        await LeadOnceAsync(new EndpointsLock(sandbox.Client, "kube-system", "guard-leader", "replica-b"));

        var endpoints = await sandbox.Client.CoreV1.ReadNamespacedEndpointsAsync("guard-leader", "kube-system", cancellationToken: Ct);
        endpoints.Metadata.Annotations.Should().ContainKey("control-plane.alpha.kubernetes.io/leader")
            .WhoseValue.Should().Contain("\"holderIdentity\":\"replica-b\"");
    }

    /// <summary>Runs KubernetesClient's elector on <paramref name="resourceLock"/> until it leads, then stops it.</summary>
    private static async Task LeadOnceAsync(ILock resourceLock)
    {
        using var elector = new LeaderElector(new LeaderElectionConfig(resourceLock)
        {
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        });
        var leading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        elector.OnStartedLeading += () => leading.TrySetResult();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = elector.RunUntilLeadershipLostAsync(stop.Token);

        await leading.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        await stop.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task Strategic_merge_patch_removes_a_scheduling_gate_and_unknown_patch_types_get_415()
    {
        await using var sandbox = await StartAsync();
        var pod = Pod("gated");
        pod.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "a" }, new V1PodSchedulingGate { Name = "b" }];
        await sandbox.Client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: Ct);

        var patched = await sandbox.Client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"spec":{"schedulingGates":[{"name":"a","$patch":"delete"}]}}""", V1Patch.PatchType.StrategicMergePatch), "gated", "default", cancellationToken: Ct);
        var labelled = await sandbox.Client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""[{"op":"add","path":"/metadata/labels/tier","value":"x"}]""", V1Patch.PatchType.JsonPatch), "gated", "default", cancellationToken: Ct);
        var addGate = () => sandbox.Client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"spec":{"schedulingGates":[{"name":"c"}]}}""", V1Patch.PatchType.StrategicMergePatch), "gated", "default", cancellationToken: Ct);
        using var http = new HttpClient();
        using var body = new StringContent("{}", System.Text.Encoding.UTF8, "application/xml");
        using var unsupported = await http.PatchAsync(new Uri(sandbox.HttpUrl, "/api/v1/namespaces/default/pods/gated"), body, Ct);

        patched.Spec.SchedulingGates.Select(g => g.Name).Should().Equal("b");
        labelled.Metadata.Labels.Should().Contain("tier", "x");
        ((int)(await addGate.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode).Should().Be(422);
        ((int)unsupported.StatusCode).Should().Be(415);
    }

    [Fact]
    public async Task Missing_objects_are_404_status_objects()
    {
        await using var sandbox = await StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(sandbox.HttpUrl, "/api/v1/namespaces/default/pods/nope"), Ct);
        var status = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        ((string?)status["kind"]).Should().Be("Status");
        ((string?)status["reason"]).Should().Be("NotFound");
        ((string?)status["message"]).Should().Be("pods \"nope\" not found");
    }

    [Fact]
    public async Task Injected_faults_fail_requests_and_force_410_on_watches()
    {
        await using var sandbox = await StartAsync();
        sandbox.Faults.SetErrorRate("list", 1);
        var list = () => sandbox.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: Ct);
        ((int)(await list.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode).Should().Be(500);

        sandbox.Faults.Reset();
        sandbox.Faults.ForceWatchExpired = true;
        Exception? error = null;
        await foreach (var _ in sandbox.Client.CoreV1.WatchListNamespacedPodAsync("default", onError: e => error = e, cancellationToken: Ct))
        {
        }

        error.Should().BeOfType<KubernetesException>().Which.Status.Code.Should().Be(410);
    }

    [Fact]
    public async Task Idle_watches_that_allow_bookmarks_receive_bookmarks_with_the_current_resource_version()
    {
        await using var sandbox = await StartAsync(new SandboxOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        var created = await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: Ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(20));
        V1Pod? bookmark = null;
        await foreach (var (type, pod) in sandbox.Client.CoreV1.WatchListNamespacedPodAsync("default", resourceVersion: created.Metadata.ResourceVersion, allowWatchBookmarks: true, cancellationToken: stop.Token))
        {
            if (type == WatchEventType.Bookmark)
            {
                bookmark = pod;
                break;
            }
        }

        bookmark!.Metadata.ResourceVersion.Should().Be(sandbox.Api.Store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Dropping_watch_streams_ends_open_watches()
    {
        await using var sandbox = await StartAsync();
        await sandbox.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(20));

        var seen = 0;
        await foreach (var _ in sandbox.Client.CoreV1.WatchListNamespacedPodAsync("default", cancellationToken: stop.Token))
        {
            seen++;
            sandbox.Faults.DropWatchStreams();
        }

        seen.Should().Be(1);
        stop.IsCancellationRequested.Should().BeFalse("the server, not the timeout, ended the watch");
    }
}
