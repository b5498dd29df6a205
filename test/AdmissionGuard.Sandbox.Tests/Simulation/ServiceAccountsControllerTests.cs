using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>Every namespace has its ServiceAccount <c>default</c>, as kube-controller-manager keeps it.</summary>
public sealed class ServiceAccountsControllerTests
{
    [Fact]
    public async Task Every_namespace_gets_its_default_service_account_again_after_a_delete()
    {
        await using var cluster = TestCluster.Start();
        await cluster.Api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } }, cancellationToken: TestCluster.Token);

        await cluster.Until(() => new[] { "default", "kube-system", "kube-public", "kube-node-lease", "shop" }
            .All(ns => cluster.Api.Get<V1ServiceAccount>(ns, "default") is not null), "a default ServiceAccount in every namespace");
        var first = cluster.Api.Get<V1ServiceAccount>("shop", "default")!.Metadata.Uid;
        await cluster.Api.DeleteAsync<V1ServiceAccount>("shop", "default", cancellationToken: TestCluster.Token);
        var again = await cluster.Until(() => cluster.Api.Get<V1ServiceAccount>("shop", "default"), "the deleted one created again");

        again.Metadata.Uid.Should().NotBe(first, "it is a new object");
        cluster.Api.List<V1ServiceAccount>("shop").Should().ContainSingle("the controller makes only default");
    }
}
