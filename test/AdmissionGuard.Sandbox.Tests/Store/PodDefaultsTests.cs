using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Store;

/// <summary>What kube-apiserver 1.32 fills in on a pod (core/v1 defaults, then the ServiceAccount, Priority and
/// DefaultTolerationSeconds plugins) and on a workload's template, and the QoS class it gives a new pod.</summary>
public sealed class PodDefaultsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonObject> CreatePodAsync(ClusterApi api, string spec)
    {
        var pod = JsonNode.Parse($$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{{spec}}}""")!.AsObject();
        return (await api.CreateAsync(ResourceTypes.Pods, "default", pod, cancellationToken: Ct)).ToJsonObject();
    }

    [Fact]
    public async Task A_bare_pod_reads_back_with_the_defaults_kubectl_shows_on_a_cluster()
    {
        var pod = await CreatePodAsync(ClusterApi.CreateInMemory(), """{"containers":[{"name":"app","image":"nginx","ports":[{"containerPort":80}]}]}""");

        var spec = pod["spec"]!;
        var container = spec["containers"]![0]!;
        ((string?)container["imagePullPolicy"]).Should().Be("Always", "an untagged image is :latest");
        ((string?)container["terminationMessagePath"]).Should().Be("/dev/termination-log");
        ((string?)container["terminationMessagePolicy"]).Should().Be("File");
        ((string?)container["ports"]![0]!["protocol"]).Should().Be("TCP");
        container["ports"]![0]!.AsObject().ContainsKey("hostPort").Should().BeFalse("only hostNetwork pods get a hostPort");
        ((bool?)spec["enableServiceLinks"]).Should().BeTrue();
        spec["securityContext"]!.ToJsonString().Should().Be("{}");
        ((string?)spec["serviceAccountName"]).Should().Be("default");
        ((string?)spec["serviceAccount"]).Should().Be("default");
        ((int?)spec["priority"]).Should().Be(0);
        ((string?)spec["preemptionPolicy"]).Should().Be("PreemptLowerPriority");
        spec["tolerations"]!.ToJsonString().Should().Be(
            """[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},"""
            + """{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]""");
        ((string?)pod["status"]!["qosClass"]).Should().Be("BestEffort");
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.27", "IfNotPresent")]
    [InlineData("registry.example.com:5000/team/app", "Always")]
    [InlineData("registry.example.com:5000/team/app:v2", "IfNotPresent")]
    [InlineData("nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000", "IfNotPresent")]
    public async Task The_pull_policy_defaults_from_the_images_tag(string image, string policy)
    {
        var pod = await CreatePodAsync(ClusterApi.CreateInMemory(), $$"""{"containers":[{"name":"app","image":"{{image}}"}]}""");

        ((string?)pod["spec"]!["containers"]![0]!["imagePullPolicy"]).Should().Be(policy);
    }

    [Theory]
    [InlineData("""[{"operator":"Exists","effect":"NoExecute"}]""", new string[0])]
    [InlineData("""[{"operator":"Exists"}]""", new string[0])]
    [InlineData("""[{"key":"node.kubernetes.io/not-ready","operator":"Exists"}]""", new[] { "node.kubernetes.io/unreachable" })]
    [InlineData("""[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoSchedule"}]""", new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })]
    [InlineData("""[{"key":"node.cilium.io/agent-not-ready","operator":"Exists"}]""", new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })]
    public async Task Default_tolerations_are_added_only_for_the_taints_a_pod_does_not_tolerate_yet(string tolerations, string[] added)
    {
        var pod = await CreatePodAsync(ClusterApi.CreateInMemory(), $$"""{"containers":[{"name":"app","image":"nginx:1"}],"tolerations":{{tolerations}}}""");

        var all = pod["spec"]!["tolerations"]!.AsArray();
        var sent = JsonNode.Parse(tolerations)!.AsArray().Count;
        all.Skip(sent).Select(t => ((string?)t!["key"], (long?)t["tolerationSeconds"])).Should().Equal(added.Select(k => ((string?)k, (long?)300)));
    }

    [Theory]
    [InlineData("""{"requests":{"cpu":"100m"}}""", "Burstable")]
    [InlineData("""{"limits":{"cpu":"1","memory":"1Gi"}}""", "Guaranteed")]
    [InlineData("""{"limits":{"cpu":1,"memory":"1Gi"},"requests":{"cpu":"1000m"}}""", "Guaranteed")]
    [InlineData("""{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m"}}""", "Burstable")]
    [InlineData("""{"limits":{"cpu":"1"}}""", "Burstable")]
    [InlineData("""{"requests":{"cpu":"0"}}""", "BestEffort")]
    [InlineData("""{"limits":{"ephemeral-storage":"1Gi"}}""", "BestEffort")]
    public async Task A_new_pod_gets_the_qos_class_of_its_cpu_and_memory(string resources, string qosClass)
    {
        var pod = await CreatePodAsync(ClusterApi.CreateInMemory(), $$"""{"containers":[{"name":"app","image":"nginx:1","resources":{{resources}}}]}""");

        ((string?)pod["status"]!["qosClass"]).Should().Be(qosClass);
    }

    [Fact]
    public async Task Limits_without_requests_are_requested_and_every_container_counts_for_guaranteed()
    {
        var pod = await CreatePodAsync(ClusterApi.CreateInMemory(), """
            {"initContainers":[{"name":"init","image":"busybox:1","resources":{"limits":{"cpu":"100m","memory":"64Mi"}}}],
             "containers":[{"name":"app","image":"nginx:1","resources":{"limits":{"cpu":"1","memory":"1Gi"}}},
                           {"name":"sidecar","image":"envoy:1"}]}
            """);

        pod["spec"]!["containers"]![0]!["resources"]!["requests"]!.ToJsonString().Should().Be("""{"cpu":"1","memory":"1Gi"}""");
        pod["spec"]!["initContainers"]![0]!["resources"]!["requests"]!.ToJsonString().Should().Be("""{"cpu":"100m","memory":"64Mi"}""");
        ((string?)pod["status"]!["qosClass"]).Should().Be("Burstable", "the sidecar has no limits");
    }

    [Fact]
    public async Task A_host_network_pod_gets_its_container_ports_as_host_ports()
    {
        var pod = await CreatePodAsync(ClusterApi.CreateInMemory(), """{"hostNetwork":true,"containers":[{"name":"app","image":"nginx:1","ports":[{"containerPort":9090}]}]}""");

        ((int?)pod["spec"]!["containers"]![0]!["ports"]![0]!["hostPort"]).Should().Be(9090);
    }

    [Fact]
    public async Task A_priority_class_gives_the_pod_its_value_and_an_unknown_one_is_forbidden()
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = "batch-low" }, Value = 1000, PreemptionPolicy = "Never" }, cancellationToken: Ct);

        var critical = await CreatePodAsync(api, """{"priorityClassName":"system-node-critical","containers":[{"name":"app","image":"cilium:1"}]}""");
        await api.DeleteAsync(ResourceTypes.Pods, "default", "web", context: new RequestContext { GracePeriodSeconds = 0 }, cancellationToken: Ct);
        var low = await CreatePodAsync(api, """{"priorityClassName":"batch-low","containers":[{"name":"app","image":"job:1"}]}""");
        var unknown = () => CreatePodAsync(api, """{"priorityClassName":"no-such-class","containers":[{"name":"app","image":"job:1"}]}""");

        ((int?)critical["spec"]!["priority"]).Should().Be(2000001000);
        ((int?)low["spec"]!["priority"]).Should().Be(1000);
        ((string?)low["spec"]!["preemptionPolicy"]).Should().Be("Never");
        var refused = (await unknown.Should().ThrowAsync<ApiException>()).Which;
        refused.Code.Should().Be(403);
        refused.Status.Message.Should().Be("pods \"web\" is forbidden: no PriorityClass with name no-such-class was found");
    }

    [Fact]
    public async Task A_replace_that_leaves_out_the_priority_keeps_the_created_one()
    {
        var api = ClusterApi.CreateInMemory();
        var created = await CreatePodAsync(api, """{"priorityClassName":"system-cluster-critical","containers":[{"name":"app","image":"dns:1"}]}""");
        var replacement = created.DeepClone().AsObject();
        replacement["spec"]!.AsObject().Remove("priority");
        replacement["spec"]!.AsObject().Remove("preemptionPolicy");
        replacement["metadata"]!["labels"] = new JsonObject { ["a"] = "b" };

        var updated = (await api.UpdateAsync(ResourceTypes.Pods, "default", "web", replacement, cancellationToken: Ct)).ToJsonObject();

        ((int?)updated["spec"]!["priority"]).Should().Be(2000000000);
        ((string?)updated["metadata"]!["labels"]!["a"]).Should().Be("b");
    }

    [Fact]
    public async Task A_workload_template_gets_the_spec_defaults_but_not_the_pod_admission_plugins_ones()
    {
        var api = ClusterApi.CreateInMemory();
        var deployment = JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
               "spec":{"containers":[{"name":"app","image":"nginx:1.27","readinessProbe":{"httpGet":{"port":80}}}],
                       "volumes":[{"name":"config","configMap":{"name":"web"}},{"name":"scratch"}]}}}}
            """)!.AsObject();

        var stored = (await api.CreateAsync(ResourceTypes.Deployments, "default", deployment, cancellationToken: Ct)).ToJsonObject();

        var spec = stored["spec"]!["template"]!["spec"]!;
        ((string?)spec["containers"]![0]!["imagePullPolicy"]).Should().Be("IfNotPresent");
        spec["containers"]![0]!["readinessProbe"]!.ToJsonString().Should().Be(
            """{"httpGet":{"port":80,"path":"/","scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3}""");
        ((int?)spec["volumes"]![0]!["configMap"]!["defaultMode"]).Should().Be(420);
        spec["volumes"]![1]!["emptyDir"]!.ToJsonString().Should().Be("{}");
        ((string?)spec["dnsPolicy"]).Should().Be("ClusterFirst");
        spec.AsObject().ContainsKey("tolerations").Should().BeFalse("DefaultTolerationSeconds admits pods, not templates");
        spec.AsObject().ContainsKey("priority").Should().BeFalse();
        spec.AsObject().ContainsKey("serviceAccountName").Should().BeFalse();
    }
}
