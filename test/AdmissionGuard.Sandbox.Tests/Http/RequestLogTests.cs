using AdmissionGuard.Sandbox.Http;
using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Tests.Support;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Http;

/// <summary>The request log: who asked for what, in the terms Kubernetes authorization uses.</summary>
public sealed class RequestLogTests
{
    private const string ServiceAccount = "system:serviceaccount:apps:reader";
    private const string Token = "0123456789abcdef";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_with_a_mapped_token_is_its_user_and_each_request_is_recorded_as_RBAC_sees_it()
    {
        await using var sandbox = await SandboxServer.StartAsync(
            new SandboxOptions { TokenUsers = new Dictionary<string, string> { [Token] = ServiceAccount } }, Ct);
        using var directory = new TempKubeconfig();
        await sandbox.WriteKubeconfigAsync(directory.Path, Token, Ct);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(directory.Path));

        await client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: Ct);
        await client.CoreV1.ReadNamespacedPodAsync("web", "default", cancellationToken: Ct);
        await client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "metadata.name=web", cancellationToken: Ct);
        await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: Ct);
        await client.CoreV1.PatchNamespacedPodAsync(new V1Patch("{\"metadata\":{\"labels\":{\"a\":\"b\"}}}", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        await client.CoreV1.CreateNamespacedPodEvictionAsync(new V1Eviction { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" } }, "web", "default", cancellationToken: Ct);
        await client.CoreV1.DeleteCollectionNamespacedPodAsync("default", cancellationToken: Ct);
        await sandbox.Client.CoreV1.ListNodeAsync(cancellationToken: Ct);

        sandbox.Requests.Requests(ServiceAccount).Select(r => r.ToString()).Should().Equal(
            "create pods (core) namespace default",
            "deletecollection pods (core) namespace default",
            "get pods (core) default/web",
            "list pods (core) cluster-wide",
            "list pods (core) default/web",
            "patch pods (core) default/web",
            "create pods/eviction (core) default/web");
        sandbox.Requests.Requests(SandboxOptions.AdminUser).Should().ContainSingle()
            .Which.Should().Be(new ApiRequest(SandboxOptions.AdminUser, "list", "", "nodes", null, null, null));
    }

    [Fact]
    public async Task Requests_for_resources_that_are_not_served_are_recorded_as_they_are_still_authorized()
    {
        await using var sandbox = await SandboxServer.StartAsync(
            new SandboxOptions { Simulation = new SimulationOptions { CiliumEndpoints = false } }, Ct);

        var list = () => sandbox.Client.CustomObjects.ListClusterCustomObjectAsync<object>("cilium.io", "v2", "ciliumendpoints", cancellationToken: Ct);

        await list.Should().ThrowAsync<k8s.Autorest.HttpOperationException>();
        var request = sandbox.Requests.Requests().Should().ContainSingle().Subject;
        request.Should().Be(new ApiRequest(SandboxOptions.AdminUser, "list", "cilium.io", "ciliumendpoints", null, null, null));
        sandbox.Requests.Count(request).Should().Be(1);
    }

    private static V1Pod Pod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }] },
    };
}
