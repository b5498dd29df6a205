using AdmissionGuard.Sandbox.Tests.Support;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Http;

/// <summary>KubernetesClient's own request shapes, unchanged, against the sandbox.</summary>
public sealed class ClientHelperTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cordon_json_patch_works_on_a_node_created_without_a_spec()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        var created = await sandbox.Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "n1" } }, cancellationToken: Ct);

        var cordon = new V1Patch("""[{"op":"add","path":"/spec/unschedulable","value":true}]""", V1Patch.PatchType.JsonPatch);
        var cordoned = await sandbox.Client.CoreV1.PatchNodeAsync(cordon, "n1", cancellationToken: Ct);

        created.Spec.Should().NotBeNull("the apiserver serializes the empty spec");
        cordoned.Spec.Unschedulable.Should().BeTrue();
        var uncordon = new V1Patch("""{"spec":{"unschedulable":null}}""", V1Patch.PatchType.MergePatch);
        (await sandbox.Client.CoreV1.PatchNodeAsync(uncordon, "n1", cancellationToken: Ct)).Spec.Unschedulable.Should().BeNull();
    }

    [Fact]
    public async Task A_watch_with_a_field_selector_sees_only_matching_pods_and_ends_after_timeout_seconds()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);
        foreach (var (name, node) in new[] { ("on-a", "node-a"), ("on-b", "node-b") })
        {
            await sandbox.Api.CreateAsync(new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
                Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "app", Image = "nginx" }] },
            }, cancellationToken: Ct);
        }

        using var guard = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        guard.CancelAfter(TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        await foreach (var (_, pod) in sandbox.Client.CoreV1.WatchListNamespacedPodAsync(
            "default", fieldSelector: "spec.nodeName=node-a", timeoutSeconds: 1, cancellationToken: guard.Token))
        {
            seen.Add(pod.Metadata.Name);
        }

        guard.IsCancellationRequested.Should().BeFalse("the server ends the stream after timeoutSeconds");
        seen.Should().Equal("on-a");
    }
}
