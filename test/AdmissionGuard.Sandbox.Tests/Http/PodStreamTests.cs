using System.Net;
using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Http;

/// <summary>
/// <c>pods/log</c>, <c>exec</c>, <c>attach</c> and <c>portforward</c> refuse what kube-apiserver 1.32
/// (<c>validateContainer</c>, the pod's node) and the kubelet (<c>validateContainerLogStatus</c>) refuse, with their
/// messages, before the sandbox's own answer (an empty log stream; no containers to exec into).
/// </summary>
public sealed class PodStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, V1PodStatus?, HttpStatusCode, string> Cases() => new()
    {
        { "", "", null, HttpStatusCode.BadRequest, "a container name must be specified for pod web, choose one of: [setup app sidecar]" },
        { "", "?container=nope", null, HttpStatusCode.BadRequest, "container nope is not valid for pod web" },
        // Not bound to a node: no kubelet to ask, an empty stream.
        { "", "?container=app", null, HttpStatusCode.OK, "" },
        { "node-1", "?container=app", null, HttpStatusCode.BadRequest, "container \"app\" in pod \"web\" is waiting to start: ContainerCreating" },
        { "node-1", "?container=app", Status(new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ImagePullBackOff" } }), HttpStatusCode.BadRequest,
            "container \"app\" in pod \"web\" is waiting to start: trying and failing to pull image" },
        { "node-1", "?container=app", Status(Running()), HttpStatusCode.OK, "" },
        { "node-1", "?container=app&previous=true", Status(Running()), HttpStatusCode.BadRequest, "previous terminated container \"app\" in pod \"web\" not found" },
        { "node-1", "?container=app&previous=true", Status(Running(), lastContainerId: "containerd://old"), HttpStatusCode.OK, "" },
        // Crash-looping: the dead container's logs are read.
        { "node-1", "?container=app", Status(new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } }, lastContainerId: "containerd://old"),
            HttpStatusCode.OK, "" },
        { "node-1", "?container=app", Status(new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 128 } }), HttpStatusCode.BadRequest,
            "container \"app\" in pod \"web\" is terminated" },
        { "node-1", "?container=sidecar", Status(Running()), HttpStatusCode.BadRequest, "container \"sidecar\" in pod \"web\" is not available" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Log_refuses_what_the_apiserver_and_the_kubelet_refuse(string node, string query, V1PodStatus? status, HttpStatusCode expected, string message)
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await CreatePodAsync(sandbox, node, status);
        using var client = new HttpClient { BaseAddress = sandbox.HttpUrl };

        using var response = await client.GetAsync($"/api/v1/namespaces/default/pods/web/log{query}", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.Should().Be(expected, body);
        if (expected == HttpStatusCode.OK)
        {
            body.Should().BeEmpty();
        }
        else
        {
            var problem = JsonNode.Parse(body)!;
            ((string?)problem["reason"]).Should().Be("BadRequest");
            ((string?)problem["message"]).Should().Be(message);
        }
    }

    [Theory]
    [InlineData("", "exec?command=ls", HttpStatusCode.BadRequest, "a container name must be specified for pod web, choose one of: [setup app sidecar]")]
    [InlineData("", "exec?command=ls&container=nope", HttpStatusCode.BadRequest, "container nope is not valid for pod web")]
    [InlineData("", "exec?command=ls&container=app", HttpStatusCode.BadRequest, "pod web does not have a host assigned")]
    [InlineData("", "attach?container=app", HttpStatusCode.BadRequest, "pod web does not have a host assigned")]
    [InlineData("", "portforward?ports=80", HttpStatusCode.BadRequest, "pod web does not have a host assigned")]
    [InlineData("node-1", "exec?command=ls&container=app", HttpStatusCode.BadRequest, "the sandbox runs no containers: pods/exec is not supported")]
    [InlineData("node-1", "portforward?ports=80", HttpStatusCode.BadRequest, "the sandbox runs no containers: pods/portforward is not supported")]
    public async Task Exec_attach_and_portforward_refuse_what_the_apiserver_refuses_before_saying_the_sandbox_runs_no_containers(
        string node, string subresource, HttpStatusCode expected, string message)
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await CreatePodAsync(sandbox, node, node.Length > 0 ? Status(Running()) : null);
        using var client = new HttpClient { BaseAddress = sandbox.HttpUrl };

        using var response = await client.PostAsync($"/api/v1/namespaces/default/pods/web/{subresource}", content: null, Ct);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        response.StatusCode.Should().Be(expected);
        ((string?)problem["message"]).Should().Be(message);
    }

    [Fact]
    public async Task Exec_into_a_pod_that_does_not_exist_is_not_found()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new HttpClient { BaseAddress = sandbox.HttpUrl };

        using var response = await client.PostAsync("/api/v1/namespaces/default/pods/ghost/exec?command=ls", content: null, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Log_follow_of_a_running_container_stays_open_until_the_pod_is_deleted()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await CreatePodAsync(sandbox, "node-1", Status(Running()));
        using var client = new HttpClient { BaseAddress = sandbox.HttpUrl };

        using var response = await client.GetAsync("/api/v1/namespaces/default/pods/web/log?container=app&follow=true", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        var read = stream.ReadAsync(new byte[16], Ct).AsTask();
        var openBeforeDelete = !read.IsCompleted;
        // Forced: no kubelet runs here to finish a graceful deletion of a pod bound to a node.
        await sandbox.Api.DeleteAsync<V1Pod>("default", "web", context: new RequestContext { GracePeriodSeconds = 0 }, cancellationToken: Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        openBeforeDelete.Should().BeTrue();
        (await read.WaitAsync(TimeSpan.FromSeconds(20), Ct)).Should().Be(0, "the stream ends, empty, with the pod");
    }

    [Fact]
    public async Task Log_follow_of_a_pod_bound_to_no_node_ends_at_once()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        await CreatePodAsync(sandbox, node: "", status: null);
        using var client = new HttpClient { BaseAddress = sandbox.HttpUrl };

        using var response = await client.GetAsync("/api/v1/namespaces/default/pods/web/log?container=app&follow=true", HttpCompletionOption.ResponseHeadersRead, Ct);
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await stream.ReadAsync(new byte[16], Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(20), Ct)).Should().Be(0, "kube-apiserver streams nothing for a pod no kubelet runs");
    }

    private static V1ContainerState Running() => new() { Running = new V1ContainerStateRunning { StartedAt = DateTime.UtcNow } };

    private static V1PodStatus Status(V1ContainerState state, string? lastContainerId = null) => new()
    {
        Phase = "Running",
        ContainerStatuses =
        [
            new V1ContainerStatus
            {
                Name = "app",
                Image = "nginx",
                ImageID = "nginx",
                Ready = state.Running is not null,
                RestartCount = lastContainerId is null ? 0 : 1,
                ContainerID = state.Waiting is null ? "containerd://current" : null,
                State = state,
                LastState = lastContainerId is null ? null : new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, ContainerID = lastContainerId } },
            },
        ],
    };

    /// <summary><c>default/web</c>: init container <c>setup</c>, containers <c>app</c> and <c>sidecar</c>.</summary>
    private static async Task CreatePodAsync(SandboxServer sandbox, string node, V1PodStatus? status)
    {
        var pod = await sandbox.Api.CreateAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Spec = new V1PodSpec
            {
                NodeName = node.Length > 0 ? node : null,
                InitContainers = [new V1Container { Name = "setup", Image = "busybox" }],
                Containers = [new V1Container { Name = "app", Image = "nginx" }, new V1Container { Name = "sidecar", Image = "envoy" }],
            },
        }, cancellationToken: Ct);
        if (status is not null)
        {
            pod.Status = status;
            await sandbox.Api.UpdateStatusAsync(pod, cancellationToken: Ct);
        }
    }
}
