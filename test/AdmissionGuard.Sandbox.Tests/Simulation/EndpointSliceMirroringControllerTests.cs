using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>The mirroring controller mirrors the Endpoints written for Services without a selector into slices.</summary>
public sealed class EndpointSliceMirroringControllerTests
{
    private static V1Service Selectorless(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "pg", Port = 5432 }] },
    };

    private static V1Endpoints Endpoints(string name, IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = labels },
        Subsets =
        [
            new V1EndpointSubset
            {
                Addresses = [new V1EndpointAddress { Ip = "192.0.2.10", NodeName = "db-host", Hostname = "primary" }],
                NotReadyAddresses = [new V1EndpointAddress { Ip = "192.0.2.11" }],
                Ports = [new Corev1EndpointPort { Name = "pg", Port = 5432 }],
            },
        ],
    };

    private static IReadOnlyList<V1EndpointSlice> Mirrored(TestCluster cluster) =>
        cluster.Api.List<V1EndpointSlice>("default", new Api.ListOptions { LabelSelector = $"{EndpointSliceController.ManagedByLabel}={EndpointSliceMirroringController.ManagedBy}" });

    [Fact]
    public async Task The_endpoints_of_a_service_without_a_selector_are_mirrored_and_go_with_them()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Api.CreateAsync(Selectorless("db"), cancellationToken: TestCluster.Token);
        var written = Endpoints("db", new Dictionary<string, string> { ["team"] = "data" });
        written.Metadata.Annotations = new Dictionary<string, string> { ["owner"] = "dba", ["kubectl.kubernetes.io/last-applied-configuration"] = "{}" };
        var endpoints = await cluster.Api.CreateAsync(written, cancellationToken: TestCluster.Token);

        var slice = await cluster.Until(() => Mirrored(cluster).SingleOrDefault(), "the mirrored slice");

        slice.Metadata.Name.Should().MatchRegex("^db-[a-z0-9]{5}$");
        slice.Metadata.Labels.Should().Equal(new Dictionary<string, string>
        {
            ["team"] = "data",
            ["kubernetes.io/service-name"] = "db",
            ["endpointslice.kubernetes.io/managed-by"] = "endpointslicemirroring-controller.k8s.io",
        });
        slice.Metadata.Annotations.Should().Equal(new Dictionary<string, string> { ["owner"] = "dba" }, "the last applied configuration is not copied");
        slice.Metadata.OwnerReferences.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { ApiVersion = "v1", Kind = "Endpoints", Name = "db", endpoints.Metadata.Uid, Controller = true });
        slice.AddressType.Should().Be("IPv4");
        slice.Ports.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "pg", Port = 5432, Protocol = "TCP" });
        slice.Endpoints.Should().SatisfyRespectively(
            ready =>
            {
                ready.Addresses.Should().Equal("192.0.2.10");
                ready.Conditions.Should().BeEquivalentTo(new V1EndpointConditions { Ready = true }, "only ready is mirrored");
                ready.NodeName.Should().Be("db-host");
                ready.Hostname.Should().Be("primary");
            },
            notReady =>
            {
                notReady.Addresses.Should().Equal("192.0.2.11");
                notReady.Conditions.Ready.Should().BeFalse();
            });

        await cluster.Api.DeleteAsync<V1Endpoints>("default", "db", cancellationToken: TestCluster.Token);
        await cluster.Until(() => Mirrored(cluster).Count == 0, "the mirrored slice collected with its Endpoints");
    }

    [Fact]
    public async Task Endpoints_without_a_service_marked_skip_mirror_or_of_a_selecting_service_are_not_mirrored()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Api.CreateAsync(Endpoints("orphan"), cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Selectorless("skipped"), cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Endpoints("skipped", new Dictionary<string, string> { ["endpointslice.kubernetes.io/skip-mirror"] = "true" }), cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Selectorless("zz-db"), cancellationToken: TestCluster.Token);
        await cluster.Api.CreateAsync(Endpoints("zz-db"), cancellationToken: TestCluster.Token);

        // A pass goes over the Endpoints in name order: once zz-db's is mirrored, the others have been looked at.
        await cluster.Until(() => Mirrored(cluster).Count > 0, "zz-db's Endpoints mirrored");
        Mirrored(cluster).Select(s => s.Metadata.Labels["kubernetes.io/service-name"]).Should().Equal(["zz-db"], "the apiserver's own kubernetes Endpoints are marked skip-mirror too");
        cluster.Api.List<V1EndpointSlice>("default").Select(s => s.Metadata.Name).Should().Contain("kubernetes", "the apiserver's slice is no controller's to delete");

        await cluster.Api.PatchAsync<V1Service>("default", "zz-db", Api.PatchType.Merge, """{"spec":{"selector":{"app":"db"}}}""", cancellationToken: TestCluster.Token);
        await cluster.Until(() => Mirrored(cluster).Count == 0, "the mirror deleted once the Service selects pods");
    }
}
