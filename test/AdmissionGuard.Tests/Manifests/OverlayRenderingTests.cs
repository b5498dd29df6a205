using k8s.Models;

namespace AdmissionGuard.Tests.Manifests;

public sealed class OverlayRenderingTests
{
    private const string GuardNamespace = "admissionguard-system";

    /// <summary>Every directory meant to be applied with `kubectl apply -k` (the others are components).</summary>
    public static TheoryData<string> InstallableDirectories =>
        ["default", "default-self-managed", "manager", "rbac", "webhook", "prometheus", "network-policy"];

    [Theory]
    [MemberData(nameof(InstallableDirectories))]
    public async Task Every_installable_directory_renders_into_the_guard_namespace(string directory)
    {
        var manifests = await Kustomize.RenderAsync($"config/{directory}", TestContext.Current.CancellationToken);

        manifests.Objects.Should().NotBeEmpty();
        manifests.Objects
            .Where(o => o is not V1Namespace && !IsClusterScoped(o.Kind))
            .Should().OnlyContain(o => o.Metadata.NamespaceProperty == GuardNamespace, manifests.Describe());
    }

    [Fact]
    public async Task The_default_install_contains_the_guard_its_permissions_webhooks_and_certificates()
    {
        var manifests = await Kustomize.RenderAsync("config/default", TestContext.Current.CancellationToken);

        manifests.Objects.Select(o => $"{o.Kind}/{o.Metadata.Name}").Should().BeEquivalentTo(
            "Namespace/admissionguard-system",
            "ServiceAccount/admissionguard",
            $"ConfigMap/{manifests.All<V1ConfigMap>().Single().Metadata.Name}",
            "Deployment/admissionguard",
            "PodDisruptionBudget/admissionguard",
            "ClusterRole/admissionguard",
            "ClusterRoleBinding/admissionguard",
            "ClusterRole/admissionguard-evict",
            "ClusterRoleBinding/admissionguard-evict",
            "Role/admissionguard-leader-election",
            "RoleBinding/admissionguard-leader-election",
            "Service/admissionguard-webhook",
            "MutatingWebhookConfiguration/admissionguard",
            "ValidatingWebhookConfiguration/admissionguard",
            "Issuer/admissionguard-selfsigned",
            "Certificate/admissionguard-ca",
            "Issuer/admissionguard-ca",
            "Certificate/admissionguard-webhook");
    }

    private static bool IsClusterScoped(string kind) =>
        kind is "Namespace" or "Node" or "ClusterRole" or "ClusterRoleBinding"
            or "MutatingWebhookConfiguration" or "ValidatingWebhookConfiguration";
}
