using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>The EndpointSlice controller keeps each selecting Service's slices as kube-controller-manager's does.</summary>
public sealed class EndpointSliceControllerTests
{
    private static V1Service Service(string name, IntOrString? targetPort = null, string app = "web") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["tier"] = "front" } },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = app },
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = targetPort ?? 8080 }],
        },
    };

    private static IReadOnlyList<V1EndpointSlice> SlicesOf(TestCluster cluster, string service) =>
        cluster.Api.List<V1EndpointSlice>("default", new Api.ListOptions { LabelSelector = $"kubernetes.io/service-name={service}" });

    [Fact]
    public async Task A_services_slice_lists_its_pods_with_node_zone_and_conditions_and_goes_with_the_service()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false, Zone = "eu-west-1a" }, TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Deployment("web", 2), cancellationToken: TestCluster.Token);
        var service = await cluster.Api.CreateAsync(Service("web"), cancellationToken: TestCluster.Token);

        var slice = await cluster.Until(
            () => SlicesOf(cluster, "web") is [{ Endpoints: [{ Conditions.Ready: true }, { Conditions.Ready: true }] } only] ? only : null,
            "both pods listed as ready endpoints", letTimeFlow: true);
        var pods = cluster.Pods("default", "app=web");

        slice.Metadata.Name.Should().MatchRegex("^web-[a-z0-9]{5}$", "the slice is named after its Service");
        slice.Metadata.Labels.Should().Equal(new Dictionary<string, string>
        {
            ["tier"] = "front",
            ["kubernetes.io/service-name"] = "web",
            ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io",
        });
        slice.Metadata.OwnerReferences.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { ApiVersion = "v1", Kind = "Service", Name = "web", service.Metadata.Uid, Controller = true, BlockOwnerDeletion = true });
        slice.AddressType.Should().Be("IPv4");
        slice.Ports.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "http", Port = 8080, Protocol = "TCP" });
        slice.Endpoints.Select(e => e.Addresses.Single()).Should().BeEquivalentTo(pods.Select(p => p.Status.PodIP)).And.BeInAscendingOrder(StringComparer.Ordinal);
        slice.Endpoints.Should().AllSatisfy(e =>
        {
            e.Conditions.Should().BeEquivalentTo(new { Ready = true, Serving = true, Terminating = false });
            e.NodeName.Should().Be("node-a");
            e.Zone.Should().Be("eu-west-1a");
            e.TargetRef.Kind.Should().Be("Pod");
            pods.Select(p => p.Metadata.Uid).Should().Contain(e.TargetRef.Uid);
        });

        await cluster.Api.DeleteAsync<V1Service>("default", "web", cancellationToken: TestCluster.Token);
        await cluster.Until(() => SlicesOf(cluster, "web").Count == 0, "the slice collected with its Service");
    }

    [Fact]
    public async Task A_terminating_pod_stays_in_the_slice_as_terminating_and_never_ready()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var pod = Manifests.Pod("slow", labels: new Dictionary<string, string> { ["app"] = "web" });
        pod.Metadata.Annotations = new Dictionary<string, string> { [SimulationAnnotations.ShutdownDelay] = "1h" };
        pod.Spec.TerminationGracePeriodSeconds = 7200;
        await cluster.Api.CreateAsync(pod, cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Service("web"), cancellationToken: TestCluster.Token);
        await cluster.Until(() => SlicesOf(cluster, "web") is [{ Endpoints: [{ Conditions.Ready: true }] }], "the pod ready in the slice", letTimeFlow: true);

        await cluster.Api.DeleteAsync<V1Pod>("default", "slow", cancellationToken: TestCluster.Token);
        // Serving follows the pod's own Ready condition, which the kubelet may change while the pod terminates.
        var endpoint = await cluster.Until(
            () => SlicesOf(cluster, "web") is [{ Endpoints: [{ Conditions.Terminating: true } only] }]
                && only.Conditions.Serving == TestCluster.IsReady(cluster.Pod("slow")) ? only : null,
            "the pod listed as terminating, serving as long as it is Ready");

        cluster.Pod("slow")!.Metadata.DeletionTimestamp.Should().NotBeNull("its containers take an hour to stop");
        endpoint.Conditions.Ready.Should().BeFalse("a terminating pod is never ready");
        await cluster.Until(() => cluster.Api.Get<V1Endpoints>("default", "web") is { Subsets: null }, "Endpoints leave the terminating pod out, slices do not");
    }

    [Fact]
    public async Task Pods_serving_on_different_ports_get_separate_slices_and_a_service_selecting_nothing_one_placeholder()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        var named = Manifests.Pod("named", labels: new Dictionary<string, string> { ["app"] = "web" });
        named.Spec.Containers[0].Ports = [new V1ContainerPort { Name = "http-alt", ContainerPort = 8081 }];
        await cluster.Api.CreateAsync(named, cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Pod("plain", labels: new Dictionary<string, string> { ["app"] = "web" }), cancellationToken: TestCluster.Token);
        await cluster.Until(() => TestCluster.IsReady(cluster.Pod("named")) && TestCluster.IsReady(cluster.Pod("plain")), "both pods Ready", letTimeFlow: true);

        await cluster.Api.CreateAsync(Service("web", targetPort: "http-alt"), cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Service("nothing", app: "none"), cancellationToken: TestCluster.Token);
        var slices = await cluster.Until(() => SlicesOf(cluster, "web") is { Count: 2 } both ? both : null, "a slice per port set");
        var placeholder = await cluster.Until(() => SlicesOf(cluster, "nothing").SingleOrDefault(), "the placeholder slice");

        var withPort = slices.Single(s => s.Ports is not null);
        withPort.Ports.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "http", Port = 8081, Protocol = "TCP" });
        withPort.Endpoints.Should().ContainSingle().Which.TargetRef.Name.Should().Be("named");
        slices.Single(s => s.Ports is null).Endpoints.Should().ContainSingle("plain declares no port named http-alt, and is listed without ports")
            .Which.TargetRef.Name.Should().Be("plain");
        placeholder.Endpoints.Should().BeNull();
        placeholder.Ports.Should().BeNull();
        placeholder.AddressType.Should().Be("IPv4");
    }

    [Fact]
    public async Task More_than_a_hundred_pods_fill_slices_of_at_most_a_hundred()
    {
        await using var cluster = TestCluster.Start(new SimulationOptions { StartupDelay = TimeSpan.Zero });
        await cluster.Simulation.AddNodeAsync("node-a", new NodeSetup { CiliumTaint = false }, TestCluster.Token);
        await cluster.Api.CreateAsync(Manifests.Deployment("web", 101), cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Service("web"), cancellationToken: TestCluster.Token);

        var slices = await cluster.Until(
            () => SlicesOf(cluster, "web") is { Count: 2 } both && both.Sum(s => s.Endpoints?.Count ?? 0) == 101 ? both : null,
            "all 101 pods in two slices", letTimeFlow: true);

        slices.Select(s => s.Endpoints.Count).Should().BeEquivalentTo([EndpointSliceWriter.MaxEndpointsPerSlice, 1]);
        slices.SelectMany(s => s.Endpoints).Select(e => e.TargetRef.Name).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_slice_labelled_for_a_service_it_does_not_belong_to_is_deleted_and_a_selectorless_services_slice_kept()
    {
        await using var cluster = TestCluster.Start();
        var external = Service("external");
        external.Spec.Selector = null;
        await cluster.Api.CreateAsync(external, cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Slice("external-1", "external", managedBy: "someone-else", "192.0.2.10"), cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Slice("web-stale", "web", managedBy: EndpointSliceController.ManagedBy, "192.0.2.20"), cancellationToken: TestCluster.Token);

        await cluster.Api.CreateAsync(Service("web"), cancellationToken: TestCluster.Token);
        await cluster.Until(() => SlicesOf(cluster, "web") is [{ Metadata.Name: not "web-stale" }], "the stale slice replaced by the Service's own");

        cluster.Api.Get<V1EndpointSlice>("default", "external-1")!.Endpoints.Single().Addresses.Should().Equal("192.0.2.10");
    }

    private static V1EndpointSlice Slice(string name, string service, string managedBy, string address) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "default",
            Labels = new Dictionary<string, string> { [EndpointSliceController.ServiceNameLabel] = service, [EndpointSliceController.ManagedByLabel] = managedBy },
        },
        AddressType = "IPv4",
        Endpoints = [new V1Endpoint { Addresses = [address] }],
        Ports = [new Discoveryv1EndpointPort { Port = 5432 }],
    };
}
