using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>The endpoints controller keeps each selecting Service's Endpoints as kube-controller-manager's does.</summary>
public sealed class EndpointsControllerTests
{
    private static V1Service Service(string name, IntOrString? targetPort = null, IDictionary<string, string>? selector = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["tier"] = "front" } },
        Spec = new V1ServiceSpec
        {
            Selector = selector ?? new Dictionary<string, string> { ["app"] = "web" },
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = targetPort ?? 8080 }],
        },
    };

    [Fact]
    public async Task A_services_endpoints_follow_its_ready_pods_and_go_with_the_service()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Deployment("web", 2), cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Service("web"), cancellationToken: TestCluster.Token);

        var ready = await cluster.Until(
            () => cluster.Api.Get<V1Endpoints>("default", "web") is { Subsets: [{ Addresses.Count: 2 } subset] } ? subset : null,
            "both pods listed as ready addresses", letTimeFlow: true);
        var pods = cluster.Pods("default", "app=web");
        var endpoints = cluster.Api.Get<V1Endpoints>("default", "web")!;

        endpoints.Metadata.Labels.Should().Equal(new Dictionary<string, string> { ["tier"] = "front" }, "the Endpoints carries its Service's labels");
        ready.Addresses.Select(a => a.Ip).Should().BeEquivalentTo(pods.Select(p => p.Status.PodIP)).And.BeInAscendingOrder(StringComparer.Ordinal);
        ready.Addresses.Should().AllSatisfy(a =>
        {
            a.NodeName.Should().Be("node-a");
            a.TargetRef.Kind.Should().Be("Pod");
            pods.Select(p => p.Metadata.Uid).Should().Contain(a.TargetRef.Uid);
        });
        ready.NotReadyAddresses.Should().BeNull();
        ready.Ports.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "http", Port = 8080, Protocol = "TCP" });

        await cluster.Api.PatchAsync<V1Deployment>("default", "web", Api.PatchType.Merge, """{"spec":{"replicas":0}}""", cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Api.Get<V1Endpoints>("default", "web") is { Subsets: null }, "no subsets once the pods are gone", letTimeFlow: true);
        await cluster.Api.DeleteAsync<V1Service>("default", "web", cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Api.Get<V1Endpoints>("default", "web") is null, "the Endpoints deleted with its Service");
    }

    [Fact]
    public async Task A_pod_not_ready_is_listed_apart_and_one_without_the_named_target_port_is_left_out()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var starting = Manifests.Pod("starting", labels: new Dictionary<string, string> { ["app"] = "web" });
        starting.Metadata.Annotations = new Dictionary<string, string> { [SimulationAnnotations.StartupDelay] = "1h" };
        starting.Spec.Containers[0].Ports = [new V1ContainerPort { Name = "http-alt", ContainerPort = 8081 }];
        await cluster.Api.CreateAsync(starting, cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Pod("plain", labels: new Dictionary<string, string> { ["app"] = "web" }), cancellationToken: TestCluster.Token);
        await cluster.Until(() => TestCluster.IsRunning(cluster.Pod("starting")) && TestCluster.IsReady(cluster.Pod("plain")), "one pod Running, the other Ready", letTimeFlow: true);

        await cluster.Api.CreateAsync(Service("web", targetPort: "http-alt"), cancellationToken: TestCluster.Token);
        var subset = await cluster.Until(() => cluster.Api.Get<V1Endpoints>("default", "web")?.Subsets?.SingleOrDefault(), "the Endpoints written");

        TestCluster.IsReady(cluster.Pod("starting")).Should().BeFalse("its start-up takes an hour");
        subset.Addresses.Should().BeNull("plain is Ready but declares no port named http-alt");
        subset.NotReadyAddresses.Should().ContainSingle().Which.TargetRef.Name.Should().Be("starting");
        subset.Ports.Should().ContainSingle().Which.Port.Should().Be(8081);
    }

    [Fact]
    public async Task A_service_without_a_selector_keeps_the_endpoints_written_for_it()
    {
        await using var cluster = TestCluster.Start();
        var service = Service("external");
        service.Spec.Selector = null;
        await cluster.Api.CreateAsync(service, cancellationToken: TestCluster.Token);
        var written = new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = "external", NamespaceProperty = "default" },
            Subsets = [new V1EndpointSubset { Addresses = [new V1EndpointAddress { Ip = "192.0.2.10" }], Ports = [new Corev1EndpointPort { Port = 5432 }] }],
        };
        await cluster.Api.CreateAsync(written, cancellationToken: TestCluster.Token);

        // Another Service's sync is a pass of the controller over every Service.
        await cluster.Api.CreateAsync(Service("web"), cancellationToken: TestCluster.Token);
        await cluster.Until(() => cluster.Api.Get<V1Endpoints>("default", "web") is not null, "the selecting Service's Endpoints written");

        cluster.Api.Get<V1Endpoints>("default", "external")!.Subsets.Single().Addresses.Single().Ip.Should().Be("192.0.2.10");
    }
}
