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
}
