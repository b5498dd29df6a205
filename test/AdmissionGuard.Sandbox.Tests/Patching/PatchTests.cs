using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Patching;

namespace AdmissionGuard.Sandbox.Tests.Patching;

public sealed class PatchTests
{
    private static JsonObject Pod() => JsonNode.Parse("""
        {"metadata":{"name":"p","labels":{"a":"1","b":"2"},"finalizers":["x"]},
         "spec":{"schedulingGates":[{"name":"g1"},{"name":"g2"}],"tolerations":[{"operator":"Exists"}],
                 "containers":[{"name":"app","image":"v1"},{"name":"side","image":"s1"}]}}
        """)!.AsObject();

    [Fact]
    public void Json_patch_applies_operations_in_order_and_test_failure_is_an_error()
    {
        var patched = JsonPatch.Apply(Pod(), JsonNode.Parse("""
            [{"op":"remove","path":"/spec/schedulingGates/0"},{"op":"replace","path":"/metadata/labels/a","value":"9"},
             {"op":"add","path":"/metadata/labels/c~1d","value":"3"},{"op":"copy","from":"/metadata/name","path":"/metadata/generateName"}]
            """));

        patched["spec"]!["schedulingGates"]!.ToJsonString().Should().Be("""[{"name":"g2"}]""");
        ((string?)patched["metadata"]!["labels"]!["a"]).Should().Be("9");
        ((string?)patched["metadata"]!["labels"]!["c/d"]).Should().Be("3");
        ((string?)patched["metadata"]!["generateName"]).Should().Be("p");
        var failing = () => JsonPatch.Apply(Pod(), JsonNode.Parse("""[{"op":"test","path":"/metadata/name","value":"q"}]"""));
        failing.Should().Throw<PatchException>().WithMessage("*test operation failed*");
    }

    [Fact]
    public void Merge_patch_removes_keys_set_to_null_and_replaces_lists()
    {
        var patched = MergePatch.Apply(Pod(), JsonNode.Parse("""{"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"schedulingGates":[]}}"""));

        patched["metadata"]!["labels"]!.ToJsonString().Should().Be("""{"b":"2","c":"3"}""");
        patched["spec"]!["schedulingGates"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public void Strategic_merge_patch_merges_keyed_lists_deletes_by_directive_and_replaces_atomic_lists()
    {
        var patched = StrategicMergePatch.Apply(Pod(), JsonNode.Parse("""
            {"metadata":{"finalizers":["y"],"$deleteFromPrimitiveList/finalizers":["x"]},
             "spec":{"$setElementOrder/schedulingGates":[{"name":"g2"}],"schedulingGates":[{"name":"g1","$patch":"delete"}],
                     "containers":[{"name":"side","image":"s2"}],"tolerations":[{"key":"k","operator":"Exists"}]}}
            """));

        patched["metadata"]!["finalizers"]!.ToJsonString().Should().Be("""["y"]""");
        patched["spec"]!["schedulingGates"]!.ToJsonString().Should().Be("""[{"name":"g2"}]""");
        patched["spec"]!["containers"]!.ToJsonString().Should().Be("""[{"name":"app","image":"v1"},{"name":"side","image":"s2"}]""");
        patched["spec"]!["tolerations"]!.ToJsonString().Should().Be("""[{"key":"k","operator":"Exists"}]""");
    }

    [Fact]
    public void Strategic_merge_patch_replace_directive_replaces_a_map_whole_and_drops_the_directive()
    {
        var daemonSet = JsonNode.Parse("""
            {"metadata":{"name":"agent"},
             "spec":{"revisionHistoryLimit":10,
                     "template":{"metadata":{"labels":{"app":"agent"},"annotations":{"kubectl.kubernetes.io/restartedAt":"now"}},
                                 "spec":{"containers":[{"name":"agent","image":"busybox:2"},{"name":"side","image":"s"}],"hostNetwork":true}}}}
            """)!.AsObject();

        // What kubectl rollout undo sends: a ControllerRevision's data.
        var patched = StrategicMergePatch.Apply(daemonSet, JsonNode.Parse("""
            {"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"agent"}},
                                 "spec":{"containers":[{"image":"busybox","name":"agent","resources":{}}]}}}}
            """));

        patched["spec"]!["template"]!.ToJsonString().Should().Be(
            """{"metadata":{"creationTimestamp":null,"labels":{"app":"agent"}},"spec":{"containers":[{"image":"busybox","name":"agent","resources":{}}]}}""",
            "the template is the patch's, nothing of the old one merged in");
        ((int?)patched["spec"]!["revisionHistoryLimit"]).Should().Be(10, "only the map carrying the directive is replaced");
    }
}
