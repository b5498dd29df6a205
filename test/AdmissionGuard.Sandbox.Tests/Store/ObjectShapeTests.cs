using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Patching;
using AdmissionGuard.Sandbox.Store;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Tests.Store;

/// <summary>Objects as kube-apiserver serializes and validates them, and patches as its libraries apply them.</summary>
public sealed class ObjectShapeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static V1Pod Pod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "app", Image = "nginx:1" }],
            Tolerations = [new V1Toleration { Key = "k", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 30 }],

            // Replaced and merge-patched below as it was created: a mounted token volume would make every such update change it.
            AutomountServiceAccountToken = false,
        },
    };

    [Fact]
    public async Task A_node_created_without_spec_or_status_has_empty_ones_so_a_json_patch_can_add_to_them()
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(ResourceTypes.Nodes, null, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["metadata"] = new JsonObject { ["name"] = "n1" } }, cancellationToken: Ct);

        var stored = api.Get(ResourceTypes.Nodes, null, "n1").ToJsonObject();
        stored["spec"]!.ToJsonString().Should().Be("{}");
        ((int?)stored["status"]!["daemonEndpoints"]!["kubeletEndpoint"]!["Port"]).Should().Be(0);

        await api.PatchAsync(ResourceTypes.Nodes, null, "n1", PatchType.Json, """[{"op":"add","path":"/spec/unschedulable","value":true}]""", cancellationToken: Ct);

        api.Get<V1Node>(null, "n1")!.Spec.Unschedulable.Should().BeTrue();
    }

    [Fact]
    public async Task Metadata_carries_no_null_fields_after_create_update_and_patch_as_go_omits_empty_ones()
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(Pod("p"), cancellationToken: Ct);
        MetadataNulls(api).Should().BeEmpty("kube-apiserver omits an unset deletionTimestamp rather than writing null");

        await api.PatchAsync(ResourceTypes.Pods, "default", "p", PatchType.Merge, """{"metadata":{"labels":{"app":"web"}}}""", cancellationToken: Ct);
        var pod = api.Get<V1Pod>("default", "p")!;
        await api.UpdateAsync(pod, cancellationToken: Ct);

        MetadataNulls(api).Should().BeEmpty();
        var metadata = api.Get(ResourceTypes.Pods, "default", "p").ToJsonObject()["metadata"]!.AsObject();
        metadata.ContainsKey("deletionTimestamp").Should().BeFalse();
        metadata.ContainsKey("deletionGracePeriodSeconds").Should().BeFalse();

        static IEnumerable<string> MetadataNulls(ClusterApi api) =>
            api.Get(ResourceTypes.Pods, "default", "p").ToJsonObject()["metadata"]!.AsObject().Where(p => p.Value is null).Select(p => p.Key);
    }

    [Fact]
    public async Task Emptied_optional_lists_are_left_out_as_go_omits_them()
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(ResourceTypes.Nodes, null, JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","labels":{"role":"x"}},
             "spec":{"taints":[{"key":"node.cilium.io/agent-not-ready","value":"true","effect":"NoExecute"}]}}
            """)!.AsObject(), cancellationToken: Ct);
        var gated = Pod("gated");
        gated.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "admissionguard.io/cni-ready" }];
        gated.Spec.Tolerations = [];
        await api.CreateAsync(gated, cancellationToken: Ct);

        await api.PatchAsync(ResourceTypes.Nodes, null, "n1", PatchType.Json, """[{"op":"remove","path":"/spec/taints/0"}]""", cancellationToken: Ct);
        await api.PatchAsync(ResourceTypes.Nodes, null, "n1", PatchType.Merge, """{"metadata":{"labels":{"role":null}}}""", cancellationToken: Ct);
        await api.PatchAsync(ResourceTypes.Pods, "default", "gated", PatchType.Json,
            """[{"op":"test","path":"/spec/schedulingGates/0/name","value":"admissionguard.io/cni-ready"},{"op":"remove","path":"/spec/schedulingGates/0"}]""",
            cancellationToken: Ct);

        var node = api.Get(ResourceTypes.Nodes, null, "n1").ToJsonObject();
        var pod = api.Get(ResourceTypes.Pods, "default", "gated").ToJsonObject();
        node["spec"]!.AsObject().ContainsKey("taints").Should().BeFalse("a jsonpath over the taints prints nothing once Cilium removed its own");
        node["metadata"]!.AsObject().ContainsKey("labels").Should().BeFalse();
        pod["spec"]!.AsObject().ContainsKey("schedulingGates").Should().BeFalse();
        pod["spec"]!["tolerations"]!.AsArray().Select(t => (string?)t!["key"]).Should().Equal(
            ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"], "an empty list sent on create gets DefaultTolerationSeconds' two, not kept as []");
        ((string?)pod["spec"]!["containers"]![0]!["name"]).Should().Be("app");
    }

    [Fact]
    public async Task Workload_and_budget_statuses_carry_their_zero_counters()
    {
        var api = ClusterApi.CreateInMemory();
        var budget = new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = "b", NamespaceProperty = "default" },
            Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector() },
        };

        await api.CreateAsync(budget, cancellationToken: Ct);

        api.Get(ResourceTypes.PodDisruptionBudgets, "default", "b").ToJsonObject()["status"]!.ToJsonString()
            .Should().Be("""{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}""");
    }

    [Fact]
    public async Task A_controller_revision_needs_data_which_it_keeps_while_its_number_may_change()
    {
        var api = ClusterApi.CreateInMemory();
        var revision = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "r" }, ["revision"] = -1 };

        var invalid = () => api.CreateAsync(ResourceTypes.ControllerRevisions, "default", revision.DeepClone().AsObject(), cancellationToken: Ct);
        (await invalid.Should().ThrowAsync<ApiException>()).Which.Message.Should()
            .Contain("data: Required value: data is mandatory").And.Contain("revision: Invalid value: -1: must be greater than or equal to 0");
        revision["data"] = new JsonObject { ["spec"] = new JsonObject() };
        revision["revision"] = 1;
        await api.CreateAsync(ResourceTypes.ControllerRevisions, "default", revision, cancellationToken: Ct);

        var renumbered = await api.PatchAsync<V1ControllerRevision>("default", "r", PatchType.Merge, """{"revision":3}""", cancellationToken: Ct);
        var changeData = () => api.PatchAsync(ResourceTypes.ControllerRevisions, "default", "r", PatchType.Merge, """{"data":{"spec":{"x":1}}}""", cancellationToken: Ct);

        renumbered.Revision.Should().Be(3);
        var refused = (await changeData.Should().ThrowAsync<ApiException>()).Which;
        refused.Code.Should().Be(422);
        refused.Message.Should().Contain("data: Invalid value").And.Contain("field is immutable");
    }

    [Theory]
    [InlineData("DaemonSet", """{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}},"revisionHistoryLimit":10}""")]
    [InlineData("Deployment", """{"replicas":1,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},"revisionHistoryLimit":10,"progressDeadlineSeconds":600}""")]
    [InlineData("StatefulSet", """{"replicas":1,"podManagementPolicy":"OrderedReady","updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}},"persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Retain","whenScaled":"Retain"},"revisionHistoryLimit":10}""")]
    [InlineData("ReplicaSet", """{"replicas":1}""")]
    public async Task Workloads_get_the_apps_v1_defaults(string kind, string defaults)
    {
        var api = ClusterApi.CreateInMemory();
        var type = ResourceTypes.All.Single(t => t.Kind == kind);

        await api.CreateAsync(type, "default", Workload(kind, new JsonObject()), cancellationToken: Ct);

        var spec = api.Get(type, "default", "w").ToJsonObject()["spec"]!.AsObject();
        foreach (var (field, value) in JsonNode.Parse(defaults)!.AsObject())
        {
            spec[field]!.ToJsonString().Should().Be(value!.ToJsonString(), $"{kind} spec.{field} is defaulted");
        }
    }

    [Theory]
    [InlineData("""{"updateStrategy":"oops"}""", "$.spec.updateStrategy")]
    [InlineData("""{"updateStrategy":{"type":5}}""", "$.spec.updateStrategy.type")]
    [InlineData("""{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":"x"}}""", "$.spec.updateStrategy.rollingUpdate")]
    [InlineData("""{"revisionHistoryLimit":"ten"}""", "$.spec.revisionHistoryLimit")]
    public async Task A_body_that_does_not_fit_the_kind_is_a_bad_request_on_create_and_on_patch(string spec, string path)
    {
        var api = ClusterApi.CreateInMemory();
        var bad = Workload("DaemonSet", JsonNode.Parse(spec)!.AsObject());
        await api.CreateAsync(ResourceTypes.DaemonSets, "default", Workload("DaemonSet", new JsonObject(), "good"), cancellationToken: Ct);

        var create = () => api.CreateAsync(ResourceTypes.DaemonSets, "default", bad, cancellationToken: Ct);
        var patch = () => api.PatchAsync(ResourceTypes.DaemonSets, "default", "good", PatchType.Merge, $$"""{"spec":{{spec}}}""", cancellationToken: Ct);

        var refused = (await create.Should().ThrowAsync<ApiException>()).Which;
        refused.Code.Should().Be(400);
        refused.Message.Should().StartWith("DaemonSet in version \"v1\" cannot be handled as a DaemonSet: ").And.Contain(path);
        (await patch.Should().ThrowAsync<ApiException>()).Which.Code.Should().Be(400);
        api.Store.Get(ResourceTypes.DaemonSets, "default", "w").Should().BeNull("nothing is stored");
        api.Get<V1DaemonSet>("default", "good")!.Spec.UpdateStrategy.Type.Should().Be("RollingUpdate", "the patch changed nothing");
    }

    [Fact]
    public async Task Strategies_that_are_set_are_completed_not_replaced()
    {
        var api = ClusterApi.CreateInMemory();
        var onDelete = new JsonObject { ["updateStrategy"] = new JsonObject { ["type"] = "OnDelete" } };
        var surge = new JsonObject { ["updateStrategy"] = new JsonObject { ["rollingUpdate"] = new JsonObject { ["maxSurge"] = "10%" } } };
        var recreate = new JsonObject { ["strategy"] = new JsonObject { ["type"] = "Recreate" } };

        await api.CreateAsync(ResourceTypes.DaemonSets, "default", Workload("DaemonSet", onDelete), cancellationToken: Ct);
        await api.CreateAsync(ResourceTypes.DaemonSets, "default", Workload("DaemonSet", surge, "surge"), cancellationToken: Ct);
        await api.CreateAsync(ResourceTypes.Deployments, "default", Workload("Deployment", recreate), cancellationToken: Ct);

        api.Get(ResourceTypes.DaemonSets, "default", "w").ToJsonObject()["spec"]!["updateStrategy"]!.ToJsonString().Should().Be("""{"type":"OnDelete"}""");
        api.Get(ResourceTypes.DaemonSets, "default", "surge").ToJsonObject()["spec"]!["updateStrategy"]!.ToJsonString()
            .Should().Be("""{"rollingUpdate":{"maxSurge":"10%","maxUnavailable":1},"type":"RollingUpdate"}""");
        api.Get(ResourceTypes.Deployments, "default", "w").ToJsonObject()["spec"]!["strategy"]!.ToJsonString().Should().Be("""{"type":"Recreate"}""");
    }

    private static JsonObject Workload(string kind, JsonObject spec, string name = "w")
    {
        spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } };
        spec["template"] = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx" }) },
        };
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = spec,
        };
    }

    [Fact]
    public async Task A_pod_created_with_a_node_name_and_scheduling_gates_is_invalid()
    {
        var api = ClusterApi.CreateInMemory();
        var pod = Pod("web");
        pod.Spec.NodeName = "node-1";
        pod.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "example.com/wait" }];

        var create = () => api.CreateAsync(pod, cancellationToken: Ct);

        var failure = (await create.Should().ThrowAsync<ApiException>()).Which;
        failure.Code.Should().Be(422);
        failure.Message.Should().Contain("spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared");
    }

    // One toleration | the 422 cause kube-apiserver 1.32 gives for it
    public static TheoryData<V1Toleration, string> InvalidTolerations => new()
    {
        { new V1Toleration { Key = "k", OperatorProperty = "Foo" }, "spec.tolerations[0].operator: Unsupported value: \"Foo\": supported values: \"Equal\", \"Exists\"" },
        { new V1Toleration { OperatorProperty = "Equal" }, "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"" },
        { new V1Toleration { OperatorProperty = "Exists", Effect = "NoSchedule", TolerationSeconds = 30 }, "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set" },
        { new V1Toleration { Key = "k", OperatorProperty = "Exists", Value = "v" }, "spec.tolerations[0].operator: Invalid value: core.Toleration{Key:\"k\", Operator:\"Exists\", Value:\"v\", Effect:\"\", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is 'Exists'" },
        { new V1Toleration { OperatorProperty = "Exists", Effect = "NoExec" }, "spec.tolerations[0].effect: Unsupported value: \"NoExec\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"" },
        { new V1Toleration { Key = "bad key", OperatorProperty = "Exists" }, "spec.tolerations[0].key: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')" },
        { new V1Toleration { Key = "k", Value = "-v" }, "spec.tolerations[0].operator: Invalid value: \"-v\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')" },
    };

    [Theory]
    [MemberData(nameof(InvalidTolerations))]
    public async Task A_pod_with_an_invalid_toleration_is_refused_as_kube_apiserver_refuses_it(V1Toleration toleration, string cause)
    {
        var api = ClusterApi.CreateInMemory();
        var pod = Pod("web");
        pod.Spec.Tolerations = [toleration];

        var create = () => api.CreateAsync(pod, cancellationToken: Ct);

        var failure = (await create.Should().ThrowAsync<ApiException>()).Which;
        failure.Code.Should().Be(422);
        failure.Message.Should().Contain(cause);
    }

    [Fact]
    public async Task Tolerations_as_DaemonSets_and_the_kubelet_write_them_are_valid()
    {
        var api = ClusterApi.CreateInMemory();
        var pod = Pod("web");
        pod.Spec.Tolerations =
        [
            new V1Toleration { OperatorProperty = "Exists" },
            new V1Toleration { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
            new V1Toleration { Key = "CriticalAddonsOnly", OperatorProperty = "Exists" },
            new V1Toleration { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" },
            new V1Toleration { Key = "example.com/team", OperatorProperty = "Equal", Value = "a_b.c", Effect = "PreferNoSchedule" },
        ];

        var created = await api.CreateAsync(pod, cancellationToken: Ct);

        created.Spec.Tolerations.Should().HaveCount(5);
    }

    // A merge patch on the stored pod | allowed
    public static TheoryData<string, string, bool> PodUpdates => new()
    {
        { "image", """{"spec":{"containers":[{"name":"app","image":"nginx:2"}]}}""", true },
        { "active deadline", """{"spec":{"activeDeadlineSeconds":60}}""", true },
        { "added toleration", """{"spec":{"tolerations":[{"key":"k","operator":"Exists","effect":"NoExecute","tolerationSeconds":30},{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"operator":"Exists"}]}}""", true },
        { "defaulted tolerations left out", """{"spec":{"tolerations":[{"key":"k","operator":"Exists","effect":"NoExecute","tolerationSeconds":30},{"operator":"Exists"}]}}""", false },
        { "toleration seconds", """{"spec":{"tolerations":[{"key":"k","operator":"Exists","effect":"NoExecute","tolerationSeconds":5}]}}""", true },
        { "labels", """{"metadata":{"labels":{"a":"b"}}}""", true },
        { "removed toleration", """{"spec":{"tolerations":[]}}""", false },
        { "changed toleration", """{"spec":{"tolerations":[{"key":"other","operator":"Exists","effect":"NoExecute","tolerationSeconds":30}]}}""", false },
        { "container name", """{"spec":{"containers":[{"name":"other","image":"nginx:1"}]}}""", false },
        { "restart policy", """{"spec":{"restartPolicy":"Never"}}""", false },
        { "node selector of an ungated pod", """{"spec":{"nodeSelector":{"zone":"a"}}}""", false },
        { "host network", """{"spec":{"hostNetwork":true}}""", false },
        { "node name", """{"spec":{"nodeName":"node-1"}}""", false },
    };

    [Theory]
    [MemberData(nameof(PodUpdates))]
    public async Task A_pod_update_may_change_only_the_mutable_fields(string change, string patch, bool allowed)
    {
        var api = ClusterApi.CreateInMemory();
        await api.CreateAsync(Pod("web"), cancellationToken: Ct);

        var update = () => api.PatchAsync(ResourceTypes.Pods, "default", "web", PatchType.Merge, patch, cancellationToken: Ct);

        if (allowed)
        {
            await update.Should().NotThrowAsync(change);
        }
        else
        {
            (await update.Should().ThrowAsync<ApiException>(change)).Which.Code.Should().Be(422);
        }
    }

    [Fact]
    public async Task A_replace_without_the_defaulted_fields_is_defaulted_again_not_refused()
    {
        var api = ClusterApi.CreateInMemory();
        var created = await api.CreateAsync(Pod("web"), cancellationToken: Ct);
        var replacement = Pod("web");
        replacement.Metadata.ResourceVersion = created.Metadata.ResourceVersion;
        replacement.Metadata.Labels = new Dictionary<string, string> { ["a"] = "b" };

        var updated = await api.UpdateAsync(replacement, cancellationToken: Ct);

        updated.Spec.SchedulerName.Should().Be("default-scheduler");
        updated.Metadata.Labels.Should().ContainKey("a");
    }

    // RFC 6902 edge cases as the apiserver's json-patch library applies them.
    public static TheoryData<string, string, string?> JsonPatches => new()
    {
        { """{"a":[1,2]}""", """[{"op":"add","path":"/a/-","value":3}]""", """{"a":[1,2,3]}""" },
        { """{"a":[1,2]}""", """[{"op":"add","path":"/a/0","value":0}]""", """{"a":[0,1,2]}""" },
        { """{"a":[1,2]}""", """[{"op":"add","path":"/a/2","value":3}]""", """{"a":[1,2,3]}""" },
        { """{"a":[1,2]}""", """[{"op":"add","path":"/a/3","value":3}]""", null },
        { """{"a":[1,2,3]}""", """[{"op":"remove","path":"/a/-1"}]""", """{"a":[1,2]}""" },
        { """{"a":[1,2]}""", """[{"op":"remove","path":"/a/-3"}]""", null },
        { """{"a":1}""", """[{"op":"remove","path":"/b"}]""", null },
        { """{"a":1}""", """[{"op":"replace","path":"/b","value":2}]""", null },
        { """{"a":{"b":1}}""", """[{"op":"add","path":"/a/c/d","value":1}]""", null },
        { """{"a":1}""", """[{"op":"test","path":"/a","value":1},{"op":"add","path":"/b","value":2}]""", """{"a":1,"b":2}""" },
        { """{"a":1}""", """[{"op":"test","path":"/a","value":"1"}]""", null },
        { """{"a":{"x":1},"b":{}}""", """[{"op":"move","from":"/a/x","path":"/b/y"}]""", """{"a":{},"b":{"y":1}}""" },
        { """{"a":[1,2]}""", """[{"op":"copy","from":"/a/0","path":"/a/-"}]""", """{"a":[1,2,1]}""" },
        { """{"a~b":{"c/d":1}}""", """[{"op":"replace","path":"/a~0b/c~1d","value":2}]""", """{"a~b":{"c/d":2}}""" },
        { """{"a":1}""", """[{"op":"add","path":"/a","value":null}]""", """{"a":null}""" },
        { """{"a":1}""", """[{"op":"frobnicate","path":"/a"}]""", null },
    };

    [Theory]
    [MemberData(nameof(JsonPatches))]
    public void Json_patch_follows_rfc_6902(string document, string patch, string? expected)
    {
        var apply = () => JsonPatch.Apply(JsonNode.Parse(document)!.AsObject(), JsonNode.Parse(patch));

        if (expected is null)
        {
            apply.Should().Throw<PatchException>();
        }
        else
        {
            apply().ToJsonString().Should().Be(expected);
        }
    }

    // RFC 7386 appendix A cases that matter for objects.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    [InlineData("""{"a":"b"}""", """{"a":{"c":null,"d":[null]}}""", """{"a":{"d":[null]}}""")]
    public void Merge_patch_follows_rfc_7386(string document, string patch, string expected)
    {
        MergePatch.Apply(JsonNode.Parse(document)!.AsObject(), JsonNode.Parse(patch)).ToJsonString().Should().Be(expected);
    }
}
