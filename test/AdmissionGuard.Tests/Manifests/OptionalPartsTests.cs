using AdmissionGuard.Tests.Manifests.CustomResources;
using k8s.Models;

namespace AdmissionGuard.Tests.Manifests;

public sealed class OptionalPartsTests
{
    private const string DefaultWith = "resources: [{config}/default";

    [Fact]
    public async Task An_overlay_replaces_the_image_with_kustomize_images()
    {
        var manifests = await Kustomize.RenderOverlayAsync(
            "resources: [{config}/default]\nimages: [{name: admissionguard, newName: registry.example.com/admissionguard, newTag: v1.2.3}]",
            TestContext.Current.CancellationToken);

        manifests.Single<V1Deployment>("admissionguard").Spec.Template.Spec.Containers.Single().Image
            .Should().Be("registry.example.com/admissionguard:v1.2.3");
    }

    [Fact]
    public async Task The_dry_run_component_only_warns_and_reports_and_keeps_the_other_options()
    {
        var manifests = await Kustomize.RenderOverlayAsync(
            "resources: [{config}/default]\ncomponents: [{config}/dry-run]", TestContext.Current.CancellationToken);
        var configMap = manifests.All<V1ConfigMap>().Should().ContainSingle().Subject;

        configMap.Data.Should().Contain("Admission__Mode", "warn")
            .And.Contain("Reconciler__DryRun", "true")
            .And.Contain("Reconciler__RestartMethod", "Evict");
        manifests.Single<V1Deployment>("admissionguard").Spec.Template.Spec.Containers.Single().EnvFrom.Single().ConfigMapRef.Name
            .Should().Be(configMap.Metadata.Name);
    }

    [Fact]
    public async Task The_service_monitor_scrapes_metrics_on_the_guard_health_port()
    {
        var manifests = await Kustomize.RenderOverlayAsync(
            DefaultWith + ", {config}/prometheus]", TestContext.Current.CancellationToken);
        var monitor = manifests.Single<ServiceMonitor>("admissionguard");
        var service = manifests.All<V1Service>().Should().ContainSingle(s =>
            monitor.Spec.Selector.MatchLabels.All(l => s.Metadata.Labels != null && s.Metadata.Labels.Contains(l))).Subject;
        var endpoint = monitor.Spec.Endpoints.Should().ContainSingle().Subject;
        var servicePort = service.Spec.Ports.Should().ContainSingle(p => p.Name == endpoint.Port).Subject;
        var deployment = manifests.Single<V1Deployment>("admissionguard");
        var containerPort = deployment.Spec.Template.Spec.Containers.Single().Ports.Single(p => p.Name == servicePort.TargetPort.Value);

        endpoint.Path.Should().Be("/metrics");
        endpoint.Scheme.Should().Be("http");
        containerPort.ContainerPort.Should().Be(8080);
        service.Spec.Selector.Should().BeEquivalentTo(deployment.Spec.Selector.MatchLabels);
        manifests.Single<PrometheusRule>("admissionguard").Metadata.NamespaceProperty.Should().Be("admissionguard-system");
    }

    [Fact]
    public async Task The_network_policy_opens_the_webhook_to_the_api_server_and_metrics_to_monitoring_only()
    {
        var manifests = await Kustomize.RenderOverlayAsync(
            DefaultWith + ", {config}/network-policy]", TestContext.Current.CancellationToken);
        var policy = manifests.Single<V1NetworkPolicy>("admissionguard");
        var deployment = manifests.Single<V1Deployment>("admissionguard");

        policy.Spec.PodSelector.MatchLabels.Should().BeEquivalentTo(deployment.Spec.Selector.MatchLabels);
        policy.Spec.PolicyTypes.Should().Equal("Ingress");
        var webhook = policy.Spec.Ingress.Should().ContainSingle(r => r.Ports.Any(p => p.Port.Value == "9443")).Subject;
        webhook.FromProperty.Should().BeNullOrEmpty("the API server is not a pod and comes from provider-specific addresses");
        var metrics = policy.Spec.Ingress.Should().ContainSingle(r => r.Ports.Any(p => p.Port.Value == "8080")).Subject;
        metrics.FromProperty.Should().ContainSingle().Which.NamespaceSelector.MatchLabels
            .Should().Contain("kubernetes.io/metadata.name", "monitoring");
        policy.Spec.Ingress.SelectMany(r => r.Ports).Select(p => p.Port.Value).Should().BeEquivalentTo("9443", "8080");
    }

    [Fact]
    public async Task The_samples_seed_a_tainted_node_and_daemon_sets_that_tolerate_the_taint()
    {
        var manifests = await Kustomize.RenderAsync("config/samples", TestContext.Current.CancellationToken);
        var ebs = manifests.Single<V1DaemonSet>("ebs-csi-node");
        var istio = manifests.Single<V1DaemonSet>("istio-cni-node");

        manifests.All<V1Node>().Single().Spec.Taints.Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new V1Taint { Key = "node.cilium.io/agent-not-ready", Value = "true", Effect = "NoExecute" });
        ebs.Spec.Template.Spec.Tolerations.Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new V1Toleration { OperatorProperty = "Exists", Effect = "NoExecute" });
        istio.Spec.Template.Spec.Tolerations.Should().Contain(t => t.OperatorProperty == "Exists" && t.Key == null && t.Effect == "NoExecute");
        new[] { ebs, istio }.Should().OnlyContain(d => d.Spec.Template.Spec.HostNetwork != true);
        manifests.Single<V1Namespace>(istio.Metadata.NamespaceProperty).Metadata.Labels
            .Should().Contain("admissionguard.io/mode", "warn");
        new[] { ebs, istio }.Select(d => d.Metadata.NamespaceProperty).Should()
            .NotContain(["kube-system", "admissionguard-system"], "the webhooks exempt those namespaces");
    }
}
