using AdmissionGuard.Sandbox.Simulation;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Http;

/// <summary><see cref="SandboxOptions.Simulation"/>: the server runs the simulated cluster it is given, and its slim mode.</summary>
public sealed class SimulationHostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_simulation_options_the_server_is_an_api_server_only()
    {
        await using var sandbox = await SandboxServer.StartAsync(cancellationToken: Ct);

        sandbox.Cluster.Should().BeNull();
    }

    [Fact]
    public async Task With_simulation_options_the_server_runs_the_simulated_cluster()
    {
        var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Simulation = new SimulationOptions() }, Ct);
        await using (sandbox)
        {
            await sandbox.Cluster!.AddNodeAsync("node-1", cancellationToken: Ct);
            await sandbox.Client.CoreV1.CreateNamespacedPodAsync(
                new V1Pod
                {
                    Metadata = new V1ObjectMeta { Name = "web" },
                    Spec = new V1PodSpec { Tolerations = [new V1Toleration { OperatorProperty = "Exists" }], Containers = [new V1Container { Name = "app", Image = "nginx" }] },
                },
                "default",
                cancellationToken: Ct);

            await Simulation.Eventually.Until(sandbox.Api, () => sandbox.Api.Get<V1Pod>("default", "web")?.Spec.NodeName == "node-1", "the simulated scheduler binds the pod");
        }
    }

    [Fact]
    public async Task In_slim_mode_ciliumendpoints_are_not_served_and_not_discovered()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Simulation = new SimulationOptions { CiliumEndpoints = false } }, Ct);

        var list = () => sandbox.Client.CustomObjects.ListClusterCustomObjectAsync("cilium.io", "v2", "ciliumendpoints", cancellationToken: Ct);
        var groups = await sandbox.Client.Apis.GetAPIVersionsAsync(Ct);

        (await list.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        groups.Groups.Select(g => g.Name).Should().NotContain("cilium.io").And.Contain("apps");
    }
}
