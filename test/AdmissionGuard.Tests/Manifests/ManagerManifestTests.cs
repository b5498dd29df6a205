using k8s.Models;

namespace AdmissionGuard.Tests.Manifests;

public sealed class ManagerManifestTests
{
    private static Task<RenderedManifests> RenderDefaultAsync() =>
        Kustomize.RenderAsync("config/default", TestContext.Current.CancellationToken);

    private static V1Container Guard(V1Deployment deployment) =>
        deployment.Spec.Template.Spec.Containers.Should().ContainSingle().Subject;

    [Fact]
    public async Task The_guard_runs_two_replicas_spread_over_zones_and_hosts_and_never_both_down_in_a_rollout()
    {
        var deployment = (await RenderDefaultAsync()).Single<V1Deployment>("admissionguard");

        deployment.Spec.Replicas.Should().Be(2);
        deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value.Should().Be("0");
        deployment.Spec.Template.Spec.TopologySpreadConstraints.Select(c => c.TopologyKey)
            .Should().BeEquivalentTo("topology.kubernetes.io/zone", "kubernetes.io/hostname");
        deployment.Spec.Template.Spec.TopologySpreadConstraints.Should().OnlyContain(c =>
            c.LabelSelector.MatchLabels.All(l => deployment.Spec.Selector.MatchLabels[l.Key] == l.Value));
    }

    [Fact]
    public async Task The_guard_does_not_tolerate_the_cilium_taint_because_it_needs_pod_networking()
    {
        var deployment = (await RenderDefaultAsync()).Single<V1Deployment>("admissionguard");

        deployment.Spec.Template.Spec.Tolerations.Should().BeNullOrEmpty();
        deployment.Spec.Template.Spec.HostNetwork.Should().NotBe(true);
    }

    [Fact]
    public async Task The_guard_runs_non_root_read_only_without_capabilities_under_the_runtime_seccomp_profile()
    {
        var pod = (await RenderDefaultAsync()).Single<V1Deployment>("admissionguard").Spec.Template.Spec;
        var container = pod.Containers.Single();

        pod.SecurityContext.RunAsNonRoot.Should().BeTrue();
        pod.SecurityContext.RunAsUser.Should().BeGreaterThan(0);
        pod.SecurityContext.SeccompProfile.Type.Should().Be("RuntimeDefault");
        container.SecurityContext.ReadOnlyRootFilesystem.Should().BeTrue();
        container.SecurityContext.AllowPrivilegeEscalation.Should().BeFalse();
        container.SecurityContext.Capabilities.Drop.Should().Equal("ALL");
        container.SecurityContext.Capabilities.Add.Should().BeNullOrEmpty();
        container.SecurityContext.Privileged.Should().NotBe(true);
    }

    [Fact]
    public async Task Only_the_guard_pods_mount_a_service_account_token()
    {
        var manifests = await RenderDefaultAsync();

        manifests.Single<V1ServiceAccount>("admissionguard").AutomountServiceAccountToken.Should().BeFalse();
        var pod = manifests.Single<V1Deployment>("admissionguard").Spec.Template.Spec;
        pod.ServiceAccountName.Should().Be("admissionguard");
        pod.AutomountServiceAccountToken.Should().BeTrue();
    }

    [Fact]
    public async Task Liveness_and_readiness_probe_the_health_port_8080()
    {
        var container = Guard((await RenderDefaultAsync()).Single<V1Deployment>("admissionguard"));

        container.LivenessProbe.HttpGet.Path.Should().Be("/healthz");
        container.LivenessProbe.HttpGet.Port.Value.Should().Be("8080");
        container.ReadinessProbe.HttpGet.Path.Should().Be("/readyz");
        container.ReadinessProbe.HttpGet.Port.Value.Should().Be("8080");
        container.Ports.Select(p => (p.Name, p.ContainerPort)).Should().BeEquivalentTo([("webhook", 9443), ("metrics", 8080)]);
    }

    [Fact]
    public async Task The_guard_requests_resources_and_has_a_memory_limit()
    {
        var container = Guard((await RenderDefaultAsync()).Single<V1Deployment>("admissionguard"));

        container.Resources.Requests.Keys.Should().BeEquivalentTo("cpu", "memory");
        container.Resources.Limits.Keys.Should().Contain("memory");
    }

    [Fact]
    public async Task The_pod_knows_its_namespace_and_name_and_leads_through_a_lease_in_its_own_namespace()
    {
        var container = Guard((await RenderDefaultAsync()).Single<V1Deployment>("admissionguard"));
        var env = container.Env.ToDictionary(e => e.Name);

        env["POD_NAMESPACE"].ValueFrom.FieldRef.FieldPath.Should().Be("metadata.namespace");
        env["POD_NAME"].ValueFrom.FieldRef.FieldPath.Should().Be("metadata.name");
        env["LeaderElection__LeaseNamespace"].Value.Should().Be("$(POD_NAMESPACE)");
        env["LeaderElection__Identity"].Value.Should().Be("$(POD_NAME)");
        container.Env.Select(e => e.Name).Should().ContainInOrder("POD_NAMESPACE", "LeaderElection__LeaseNamespace");
    }

    [Fact]
    public async Task The_serving_certificate_is_mounted_where_the_cert_and_key_options_point()
    {
        var deployment = (await RenderDefaultAsync()).Single<V1Deployment>("admissionguard");
        var container = Guard(deployment);
        var mount = container.VolumeMounts.Should().ContainSingle(m => m.Name == "webhook-certs").Subject;

        container.Args.Should().StartWith("serve").And.Contain(
            $"--Webhook:CertFile={mount.MountPath}/tls.crt",
            $"--Webhook:KeyFile={mount.MountPath}/tls.key");
        deployment.Spec.Template.Spec.Volumes.Should().Contain(v => v.Name == "webhook-certs" && v.Secret != null);
        container.VolumeMounts.Should().Contain(m => m.MountPath == "/tmp", "the root filesystem is read-only");
    }

    [Fact]
    public async Task The_options_come_from_the_generated_config_map_in_the_environment_variable_form()
    {
        var manifests = await RenderDefaultAsync();
        var configMap = manifests.All<V1ConfigMap>().Should().ContainSingle().Subject;
        var container = Guard(manifests.Single<V1Deployment>("admissionguard"));

        container.EnvFrom.Should().ContainSingle().Which.ConfigMapRef.Name.Should().Be(configMap.Metadata.Name);
        configMap.Metadata.Name.Should().StartWith("admissionguard-config-", "the name hash rolls the pods on a change");
        configMap.Data.Keys.Should().OnlyContain(k => k.Contains("__", StringComparison.Ordinal));
        configMap.Data.Should().Contain("Admission__Mode", "gate")
            .And.Contain("Cni__TaintKeys__0", "node.cilium.io/agent-not-ready")
            .And.Contain("Reconciler__RestartMethod", "Evict")
            .And.Contain("Reconciler__DryRun", "false");
    }

    [Fact]
    public async Task The_image_is_the_dev_tag_until_an_overlay_replaces_it()
    {
        var container = Guard((await RenderDefaultAsync()).Single<V1Deployment>("admissionguard"));

        container.Image.Should().Be("admissionguard:dev");
    }

    [Fact]
    public async Task A_disruption_budget_keeps_one_guard_while_never_blocking_a_drain_for_good()
    {
        var manifests = await RenderDefaultAsync();
        var budget = manifests.Single<V1PodDisruptionBudget>("admissionguard");
        var deployment = manifests.Single<V1Deployment>("admissionguard");

        budget.Spec.MaxUnavailable.Value.Should().Be("1");
        budget.Spec.UnhealthyPodEvictionPolicy.Should().Be("AlwaysAllow");
        budget.Spec.Selector.MatchLabels.Should().BeEquivalentTo(deployment.Spec.Selector.MatchLabels);
    }

    [Fact]
    public async Task The_namespace_enforces_the_restricted_pod_security_profile()
    {
        var ns = (await RenderDefaultAsync()).Single<V1Namespace>("admissionguard-system");

        ns.Metadata.Labels.Should().Contain("pod-security.kubernetes.io/enforce", "restricted");
    }
}
