using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Store;

/// <summary>The ServiceAccount admission plugin on a pod CREATE: the account must exist, its token is mounted.</summary>
public sealed class ServiceAccountAdmissionTests
{
    private const string TokenPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static V1Pod Pod(string name, string? account = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1PodSpec
        {
            ServiceAccountName = account,
            InitContainers = [new V1Container { Name = "init", Image = "busybox" }],
            Containers = [new V1Container { Name = "app", Image = "nginx:1" }, new V1Container { Name = "sidecar", Image = "envoy" }],
        },
    };

    private static V1ServiceAccount Account(string name, bool? automount = null, params string[] pullSecrets) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        AutomountServiceAccountToken = automount,
        ImagePullSecrets = pullSecrets.Length > 0 ? [.. pullSecrets.Select(s => new V1LocalObjectReference { Name = s })] : null,
    };

    [Fact]
    public async Task Every_container_mounts_the_projected_token_volume_the_plugin_adds()
    {
        var api = ClusterApi.CreateInMemory();

        var pod = await api.CreateAsync(Pod("web"), cancellationToken: Ct);

        var volume = pod.Spec.Volumes.Should().ContainSingle().Subject;
        volume.Name.Should().MatchRegex("^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$");
        api.Get(ResourceTypes.Pods, "default", "web").ToJsonObject()["spec"]!["volumes"]![0]!["projected"]!.ToJsonString().Should().Be(
            """{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},"""
            + """{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},"""
            + """{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],"defaultMode":420}""",
            "as Go encodes it");
        pod.Spec.InitContainers.Concat(pod.Spec.Containers).Should().AllSatisfy(c => c.VolumeMounts.Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { volume.Name, ReadOnlyProperty = true, MountPath = TokenPath }));
    }

    [Fact]
    public async Task A_container_that_mounts_something_at_the_token_path_keeps_it()
    {
        var api = ClusterApi.CreateInMemory();
        var written = Pod("web");
        written.Spec.Volumes = [new V1Volume { Name = "own", EmptyDir = new V1EmptyDirVolumeSource() }];
        written.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "own", MountPath = TokenPath }];

        var pod = await api.CreateAsync(written, cancellationToken: Ct);

        pod.Spec.Containers[0].VolumeMounts.Should().ContainSingle().Which.Name.Should().Be("own");
        pod.Spec.Containers[1].VolumeMounts.Should().ContainSingle().Which.Name.Should().StartWith("kube-api-access-");
        pod.Spec.Volumes.Select(v => v.Name).Should().HaveCount(2).And.StartWith("own");
    }

    [Theory]
    [InlineData(null, false, false)]
    [InlineData(true, false, false)]
    [InlineData(false, null, false)]
    [InlineData(false, true, true)]
    [InlineData(null, null, true)]
    public async Task The_pods_automount_setting_wins_over_its_accounts(bool? accountAutomount, bool? podAutomount, bool mounted)
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(Account("builder", accountAutomount), cancellationToken: Ct);
        var written = Pod("web", "builder");
        written.Spec.AutomountServiceAccountToken = podAutomount;

        var pod = await api.CreateAsync(written, cancellationToken: Ct);

        (pod.Spec.Volumes?.Count ?? 0).Should().Be(mounted ? 1 : 0);
        pod.Spec.Containers.Should().AllSatisfy(c => (c.VolumeMounts?.Count ?? 0).Should().Be(mounted ? 1 : 0));
    }

    [Fact]
    public async Task A_pod_whose_service_account_does_not_exist_is_forbidden_naming_it_by_its_generate_name_before_it_has_a_name()
    {
        var api = ClusterApi.CreateInMemory();
        var named = Pod("web", "builder");
        var generated = Pod("", "builder");
        generated.Metadata.Name = null;
        generated.Metadata.GenerateName = "web-7d9f8-";

        var refusals = new[] { named, generated }.Select(async pod =>
            (await ((Func<Task>)(() => api.CreateAsync(pod, cancellationToken: Ct))).Should().ThrowAsync<ApiException>()).Which);

        (await Task.WhenAll(refusals)).Select(e => (e.Code, e.Message)).Should().Equal(
            (403, "pods \"web\" is forbidden: error looking up service account default/builder: serviceaccount \"builder\" not found"),
            (403, "pods \"web-7d9f8-\" is forbidden: error looking up service account default/builder: serviceaccount \"builder\" not found"));
        api.List<V1Pod>("default").Should().BeEmpty();
    }

    [Fact]
    public async Task A_pod_without_image_pull_secrets_gets_its_accounts()
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(Account("builder", pullSecrets: ["registry", "mirror"]), cancellationToken: Ct);
        var own = Pod("own", "builder");
        own.Spec.ImagePullSecrets = [new V1LocalObjectReference { Name = "mine" }];

        var pod = await api.CreateAsync(Pod("web", "builder"), cancellationToken: Ct);
        var kept = await api.CreateAsync(own, cancellationToken: Ct);

        pod.Spec.ImagePullSecrets.Select(s => s.Name).Should().Equal("registry", "mirror");
        kept.Spec.ImagePullSecrets.Select(s => s.Name).Should().Equal("mine");
    }

    [Fact]
    public async Task Replacing_a_pod_with_the_manifest_it_was_created_from_is_refused_as_the_token_volume_would_go()
    {
        var api = ClusterApi.CreateInMemory();
        var created = await api.CreateAsync(Pod("web"), cancellationToken: Ct);
        var replacement = Pod("web");
        replacement.Metadata.ResourceVersion = created.Metadata.ResourceVersion;

        var replace = () => api.UpdateAsync(replacement, cancellationToken: Ct);

        var refused = (await replace.Should().ThrowAsync<ApiException>()).Which;
        refused.Code.Should().Be(422);
        refused.Message.Should().Contain("spec: Forbidden: pod updates may not change fields other than");
    }
}
