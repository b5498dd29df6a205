using System.Collections.Concurrent;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Configuration;
using AdmissionGuard.Reconciler;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AdmissionGuard.Tests.Cluster;

/// <summary>
/// The real transport, through KubernetesClient's connection, against a small HTTP server that answers as the API server does:
/// list pages, a watch stream ending in a 410 ERROR event, 404 for a CRD that is not installed, and 403.
/// </summary>
public sealed class KubernetesListWatchClientTests : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication? _server;
    private Kubernetes? _client;

    [Fact]
    public async Task Lists_pages_with_limit_and_continue()
    {
        var pods = KubernetesResources.Pods(await StartAsync());

        var first = await pods.ListAsync(2, null, TestContext.Current.CancellationToken);
        var second = await pods.ListAsync(2, first.Continue, TestContext.Current.CancellationToken);

        first.Items.Select(p => p.Metadata.Name).Should().Equal("a", "b");
        first.Continue.Should().Be("page-2");
        second.Items.Select(p => p.Metadata.Name).Should().Equal("c");
        second.Continue.Should().BeNullOrEmpty();
        second.ResourceVersion.Should().Be("100");
        _requests.Should().Contain(r => r.Contains("limit=2", StringComparison.Ordinal) && r.Contains("continue=page-2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_page_written_in_many_chunks_is_read_whole_and_the_next_page_reuses_its_buffer()
    {
        var pods = KubernetesResources.Pods(await StartAsync());

        var page = await pods.ListAsync(500, "big", TestContext.Current.CancellationToken);
        var next = await pods.ListAsync(500, page.Continue, TestContext.Current.CancellationToken);

        // About 300 KB in 500 writes: the page outgrows the first buffer and arrives in pieces. The next, short page is
        // read into the same buffer: nothing of the longer one is left over.
        page.Items.Select(p => p.Metadata.Name).Should().Equal(Enumerable.Range(0, 500).Select(BigPagePod));
        page.Items.Should().OnlyContain(p => p.Fields.Labels!["padding"].Length == 500);
        page.ResourceVersion.Should().Be("100");
        next.Items.Select(p => p.Metadata.Name).Should().Equal("c");
    }

    [Fact]
    public async Task A_page_that_is_null_or_cut_short_is_an_error_not_an_empty_list()
    {
        var pods = KubernetesResources.Pods(await StartAsync());

        var nullPage = () => pods.ListAsync(500, "null", TestContext.Current.CancellationToken);
        var cutPage = () => pods.ListAsync(500, "cut", TestContext.Current.CancellationToken);

        (await nullPage.Should().ThrowAsync<InvalidDataException>()).WithMessage("pods: the API server answered the list with null");
        await cutPage.Should().ThrowAsync<System.Text.Json.JsonException>();
    }

    [Fact]
    public async Task Watches_with_bookmarks_and_turns_a_410_error_event_into_ResourceExpiredException()
    {
        var pods = KubernetesResources.Pods(await StartAsync());
        var received = new List<(WatchEventType, string)>();

        var watch = async () =>
        {
            await foreach (var (type, pod) in await pods.WatchAsync("100", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken))
            {
                received.Add((type, pod.Metadata.ResourceVersion));
            }
        };

        await watch.Should().ThrowAsync<ResourceExpiredException>();
        received.Should().Equal((WatchEventType.Added, "101"), (WatchEventType.Bookmark, "102"));
        _requests.Should().Contain(r => r.Contains("watch=true", StringComparison.Ordinal)
            && r.Contains("resourceVersion=100", StringComparison.Ordinal)
            && r.Contains("allowWatchBookmarks=true", StringComparison.Ordinal)
            && r.Contains("timeoutSeconds=60", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_CRD_that_is_not_installed_is_reported_as_not_served()
    {
        var endpoints = KubernetesResources.Endpoints(await StartAsync(endpointsServed: false), EndpointResource.Cilium);

        var list = () => endpoints.ListAsync(500, null, TestContext.Current.CancellationToken);

        await list.Should().ThrowAsync<ResourceNotServedException>();
    }

    [Fact]
    public async Task A_refused_list_names_the_resource_the_code_and_the_API_servers_message()
    {
        var nodes = KubernetesResources.Nodes(await StartAsync());

        var list = () => nodes.ListAsync(500, null, TestContext.Current.CancellationToken);

        (await list.Should().ThrowAsync<HttpRequestException>()).Which.Message.Should().Be(
            "nodes: 403 nodes is forbidden: User \"system:serviceaccount:admissionguard-system:admissionguard\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");
    }

    [Fact]
    public async Task CiliumEndpoints_are_listed_and_watched_as_typed_objects()
    {
        var endpoints = KubernetesResources.Endpoints(await StartAsync(), EndpointResource.Cilium);

        var page = await endpoints.ListAsync(500, null, TestContext.Current.CancellationToken);
        var events = new List<(WatchEventType Type, string? State)>();
        await foreach (var (type, endpoint) in await endpoints.WatchAsync(page.ResourceVersion, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken))
        {
            events.Add((type, endpoint.Status?.State));
        }

        page.Items.Should().ContainSingle().Which.Status!.Networking!.NodeIp.Should().Be("10.0.1.7");
        events.Should().Equal((WatchEventType.Modified, "regenerating"));
    }

    [Fact]
    public async Task The_restart_history_reads_every_page_of_the_guards_Events_through_a_field_selector()
    {
        var history = new KubernetesRestartHistory(KubernetesResources.Events(await StartAsync(), "source=admissionguard"));

        var restarts = await history.ReadAsync(TestContext.Current.CancellationToken);

        restarts.Select(r => (r.PodKey, r.Owner.Name, r.Node)).Should().Equal(
            ("kube-system/ebs-csi-node-a", "ebs-csi-node", "node-1"), ("kube-system/ebs-csi-node-b", "ebs-csi-node", null));
        _requests.Where(r => r.StartsWith("/api/v1/events", StringComparison.Ordinal)).Should().Equal(
            "/api/v1/events?fieldSelector=source%3Dadmissionguard&limit=500",
            "/api/v1/events?fieldSelector=source%3Dadmissionguard&limit=500&continue=page-2");
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<Kubernetes> StartAsync(bool endpointsServed = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.Use((context, next) =>
        {
            _requests.Enqueue(context.Request.Path + context.Request.QueryString);
            return next(context);
        });
        _server.MapGet("/api/v1/pods", ServePods);
        _server.MapGet("/api/v1/events", ServeEvents);
        _server.MapGet("/api/v1/nodes", context => Json(context, 403, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"nodes is forbidden: User \"system:serviceaccount:admissionguard-system:admissionguard\" cannot list resource \"nodes\" in API group \"\" at the cluster scope","reason":"Forbidden","code":403}"""));
        _server.MapGet("/apis/cilium.io/v2/ciliumendpoints", context => endpointsServed
            ? ServeEndpoints(context)
            : Json(context, 404, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}"""));
        await _server.StartAsync(TestContext.Current.CancellationToken);
        _client = new Kubernetes(new KubernetesClientConfiguration { Host = _server.Urls.Single() });
        return _client;
    }

    private static Task ServePods(HttpContext context)
    {
        if (context.Request.Query["watch"] == "true")
        {
            return Lines(context,
                """{"type":"ADDED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"d","namespace":"default","resourceVersion":"101"}}}""",
                """{"type":"BOOKMARK","object":{"apiVersion":"v1","kind":"Pod","metadata":{"resourceVersion":"102"}}}""",
                """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 100 (150)","reason":"Expired","code":410}}""");
        }

        return context.Request.Query["continue"].ToString() switch
        {
            "big" => BigPage(context),
            "null" => Json(context, 200, "null"),
            "cut" => Json(context, 200, """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"100"},"items":[{"metadata":{"name":"c","namesp"""),
            "page-2" => Json(context, 200, """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"100"},"items":[{"metadata":{"name":"c","namespace":"default"}}]}"""),
            _ => Json(context, 200, """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"100","continue":"page-2"},"items":[{"metadata":{"name":"a","namespace":"default"}},{"metadata":{"name":"b","namespace":"default"}}]}"""),
        };
    }

    private static string BigPagePod(int index) => $"pod-{index:d4}";

    private static async Task BigPage(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        var padding = new string('x', 500);
        await context.Response.WriteAsync("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"100","continue":"page-2"},"items":[""", context.RequestAborted);
        for (var i = 0; i < 500; i++)
        {
            var separator = i == 0 ? "" : ",";
            await context.Response.WriteAsync(
                separator + $$"""{"metadata":{"name":"{{BigPagePod(i)}}","namespace":"default","labels":{"padding":"{{padding}}"}""" + "}}", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        await context.Response.WriteAsync("]}", context.RequestAborted);
    }

    private static Task ServeEvents(HttpContext context)
    {
        static string Restart(string pod, string annotations) =>
            $$"""{"metadata":{"name":"{{pod}}.1","namespace":"kube-system","annotations":{{annotations}}},"involvedObject":{"kind":"Pod","namespace":"kube-system","name":"{{pod}}","uid":"{{pod}}-uid"},"reason":"UnmanagedPodEvicted","message":"Evicted","source":{"component":"admissionguard"},"firstTimestamp":"2026-12-03T07:00:00Z"}""";

        // Another Event of the same source that records no restart (a released gate) is read and left out.
        return context.Request.Query["continue"] == "page-2"
            ? Json(context, 200, $$"""{"kind":"EventList","apiVersion":"v1","metadata":{"resourceVersion":"200"},"items":[{{Restart("ebs-csi-node-b", """{"admissionguard.io/restarted-pod-owner":"DaemonSet/ebs-csi-node/ds-uid"}""")}}]}""")
            : Json(context, 200, $$"""{"kind":"EventList","apiVersion":"v1","metadata":{"resourceVersion":"200","continue":"page-2"},"items":[{{Restart("ebs-csi-node-a", """{"admissionguard.io/restarted-pod-owner":"DaemonSet/ebs-csi-node/ds-uid","admissionguard.io/restarted-pod-node":"node-1"}""")}},{"metadata":{"name":"web.2","namespace":"shop"},"involvedObject":{"kind":"Pod","namespace":"shop","name":"web","uid":"web-uid"},"reason":"SchedulingGateReleased","firstTimestamp":"2026-12-03T07:00:00Z"}]}""");
    }

    private static Task ServeEndpoints(HttpContext context) => context.Request.Query["watch"] == "true"
        ? Lines(context, """{"type":"MODIFIED","object":{"apiVersion":"cilium.io/v2","kind":"CiliumEndpoint","metadata":{"name":"web-0","namespace":"shop","resourceVersion":"301"},"status":{"state":"regenerating","networking":{"node":"10.0.1.7"}}}}""")
        : Json(context, 200, $$"""{"apiVersion":"cilium.io/v2","kind":"CiliumEndpointList","metadata":{"resourceVersion":"300"},"items":[{{ClusterObjects.CorednsEndpoint}}]}""");

    private static async Task Lines(HttpContext context, params string[] lines)
    {
        context.Response.ContentType = "application/json";
        foreach (var line in lines)
        {
            await context.Response.WriteAsync(line + "\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    private static Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }
}
