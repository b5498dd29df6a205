using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Tests.Support;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Simulation;

/// <summary>Every namespace of the sandbox server has <c>kube-root-ca.crt</c> with the server's CA, as kube-controller-manager keeps it.</summary>
public sealed class RootCaPublisherTests
{
    private const string Name = "kube-root-ca.crt";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_namespace_gets_the_servers_ca_again_after_a_delete_or_an_edit_of_its_data()
    {
        await using var sandbox = await SandboxFixture.StartAsync(new SandboxOptions { Simulation = new SimulationOptions() });
        var api = sandbox.Server.Api;
        var ca = sandbox.Server.CaCertificatePem;
        await api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } }, cancellationToken: Ct);

        await Eventually.Until(api, () => new[] { "default", "kube-system", "kube-public", "kube-node-lease", "shop" }
            .All(ns => api.Get<V1ConfigMap>(ns, Name)?.Data["ca.crt"] == ca), "the CA published in every namespace");
        var published = api.Get<V1ConfigMap>("shop", Name)!;
        published.Metadata.Annotations.Should().Equal(new Dictionary<string, string>
        {
            ["kubernetes.io/description"] = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.",
        });

        published.Data["extra"] = "x";
        published.Metadata.Annotations["team"] = "shop";
        await api.UpdateAsync(published, cancellationToken: Ct);
        var restored = await Eventually.Until(api, () => api.Get<V1ConfigMap>("shop", Name) is { Data.Count: 1 } cm ? cm : null, "the data written back");
        await api.DeleteAsync<V1ConfigMap>("default", Name, cancellationToken: Ct);
        var again = await Eventually.Until(api, () => api.Get<V1ConfigMap>("default", Name), "the deleted one published again");

        restored.Data.Should().Equal(new Dictionary<string, string> { ["ca.crt"] = ca });
        restored.Metadata.Annotations.Should().ContainKey("team", "only the data is the publisher's");
        again.Data["ca.crt"].Should().Be(ca);
    }
}
