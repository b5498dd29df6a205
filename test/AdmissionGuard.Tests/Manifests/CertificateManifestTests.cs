using AdmissionGuard.Tests.Manifests.CustomResources;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Manifests;

public sealed class CertificateManifestTests
{
    private const string InjectCaFrom = "cert-manager.io/inject-ca-from";

    [Fact]
    public async Task Cert_manager_issues_the_serving_certificate_for_the_webhook_service_names()
    {
        var manifests = await Kustomize.RenderAsync("config/default", TestContext.Current.CancellationToken);
        var service = manifests.Single<V1Service>("admissionguard-webhook");
        var certificate = manifests.Single<Certificate>("admissionguard-webhook");
        var serviceHost = $"{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc";

        certificate.Spec.DnsNames.Should().Equal(serviceHost, $"{serviceHost}.cluster.local");
        certificate.Spec.IsCA.Should().BeFalse();
    }

    [Fact]
    public async Task The_serving_certificate_chains_to_a_self_signed_ca_so_renewals_keep_the_ca_bundle()
    {
        var manifests = await Kustomize.RenderAsync("config/default", TestContext.Current.CancellationToken);
        var serving = manifests.Single<Certificate>("admissionguard-webhook");
        var caIssuer = manifests.Single<Issuer>(serving.Spec.IssuerRef.Name!);
        var ca = manifests.All<Certificate>().Should().ContainSingle(c => c.Spec.SecretName == caIssuer.Spec.Ca!["secretName"]).Subject;
        var root = manifests.Single<Issuer>(ca.Spec.IssuerRef.Name!);

        serving.Spec.IssuerRef.Kind.Should().Be("Issuer");
        ca.Spec.IsCA.Should().BeTrue();
        root.Spec.SelfSigned.Should().NotBeNull();
    }

    [Fact]
    public async Task The_deployment_mounts_the_secret_cert_manager_writes()
    {
        var manifests = await Kustomize.RenderAsync("config/default", TestContext.Current.CancellationToken);
        var certificate = manifests.Single<Certificate>("admissionguard-webhook");
        var volumes = manifests.Single<V1Deployment>("admissionguard").Spec.Template.Spec.Volumes;

        volumes.Should().ContainSingle(v => v.Name == "webhook-certs")
            .Which.Secret.SecretName.Should().Be(certificate.Spec.SecretName);
    }

    [Fact]
    public async Task Both_webhook_configurations_ask_cert_manager_to_inject_the_ca_of_the_serving_certificate()
    {
        var manifests = await Kustomize.RenderAsync("config/default", TestContext.Current.CancellationToken);
        var certificate = manifests.Single<Certificate>("admissionguard-webhook");
        var expected = $"{certificate.Metadata.NamespaceProperty}/{certificate.Metadata.Name}";

        InjectionOf(manifests.Single<V1MutatingWebhookConfiguration>("admissionguard")).Should().Be(expected);
        InjectionOf(manifests.Single<V1ValidatingWebhookConfiguration>("admissionguard")).Should().Be(expected);
        expected.Should().Be("admissionguard-system/admissionguard-webhook");
    }

    [Fact]
    public async Task Renaming_the_namespace_carries_over_to_dns_names_injection_webhook_service_and_exemption()
    {
        // A copy of config/default with another namespace, as docs/operations.md tells users to do.
        var defaultKustomization = await File.ReadAllTextAsync(
            Support.RepositoryRoot.Combine("config", "default", "kustomization.yaml"), TestContext.Current.CancellationToken);
        var renamed = defaultKustomization
            .Replace("namespace: admissionguard-system", "namespace: guard-elsewhere", StringComparison.Ordinal)
            .Replace("../", "{config}/", StringComparison.Ordinal);
        var manifests = await Kustomize.RenderOverlayAsync(renamed, TestContext.Current.CancellationToken);

        var certificate = manifests.Single<Certificate>("admissionguard-webhook");
        var mutating = manifests.Single<V1MutatingWebhookConfiguration>("admissionguard");
        var validating = manifests.Single<V1ValidatingWebhookConfiguration>("admissionguard");
        certificate.Spec.DnsNames.Should().Equal(
            "admissionguard-webhook.guard-elsewhere.svc", "admissionguard-webhook.guard-elsewhere.svc.cluster.local");
        InjectionOf(mutating).Should().Be("guard-elsewhere/admissionguard-webhook");
        InjectionOf(validating).Should().Be("guard-elsewhere/admissionguard-webhook");
        mutating.Webhooks.Single().ClientConfig.Service.NamespaceProperty.Should().Be("guard-elsewhere");
        validating.Webhooks.Single().NamespaceSelector.MatchExpressions[0].Values.Should().Equal("kube-system", "guard-elsewhere");
        mutating.Webhooks.Single().NamespaceSelector.MatchExpressions[0].Values.Should().Equal("kube-system", "guard-elsewhere");
        manifests.All<V1ClusterRoleBinding>().SelectMany(b => b.Subjects).Should().OnlyContain(s => s.NamespaceProperty == "guard-elsewhere");
    }

    [Fact]
    public async Task Self_managed_certificates_need_no_cert_manager_and_keep_the_key_in_memory()
    {
        var manifests = await Kustomize.RenderAsync("config/default-self-managed", TestContext.Current.CancellationToken);
        var deployment = manifests.Single<V1Deployment>("admissionguard");
        var volume = deployment.Spec.Template.Spec.Volumes.Should().ContainSingle(v => v.Name == "webhook-certs").Subject;
        var mount = deployment.Spec.Template.Spec.Containers.Single().VolumeMounts.Single(m => m.Name == "webhook-certs");

        manifests.Objects.Should().NotContain(o => o.ApiVersion.StartsWith("cert-manager.io/", StringComparison.Ordinal));
        manifests.Single<V1MutatingWebhookConfiguration>("admissionguard").Metadata.Annotations.Should().BeNullOrEmpty();
        manifests.Single<V1ValidatingWebhookConfiguration>("admissionguard").Metadata.Annotations.Should().BeNullOrEmpty();
        volume.Secret.Should().BeNull();
        volume.EmptyDir.Medium.Should().Be("Memory");
        mount.ReadOnlyProperty.Should().NotBe(true, "the guard writes its certificate there");
        manifests.All<V1ConfigMap>().Single().Data.Should()
            .Contain("Webhook__SelfManagedCertificates", "true")
            .And.Contain("Webhook__CaSecretName", "admissionguard-webhook-ca")
            .And.Contain("Webhook__ServiceName", manifests.All<V1Service>().Single().Metadata.Name);
    }

    private static string? InjectionOf(IMetadata<V1ObjectMeta> configuration) =>
        configuration.Metadata.Annotations?.TryGetValue(InjectCaFrom, out var value) == true ? value : null;
}
