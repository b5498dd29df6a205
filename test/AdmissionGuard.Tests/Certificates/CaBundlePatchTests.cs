using System.Text;
using System.Text.Json.Nodes;
using AdmissionGuard.Certificates;

namespace AdmissionGuard.Tests.Certificates;

public sealed class CaBundlePatchTests
{
    private static readonly byte[] Bundle = Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");

    [Fact]
    public void Nothing_is_patched_when_every_webhook_already_trusts_the_bundle()
    {
        CaBundlePatch.For([("a.example.io", [.. Bundle]), ("b.example.io", [.. Bundle])], Bundle).Should().BeNull();
    }

    [Fact]
    public void Only_webhooks_with_another_or_no_bundle_are_set_each_guarded_by_a_test_of_its_name()
    {
        var patch = CaBundlePatch.For([("a.example.io", [.. Bundle]), ("b.example.io", null), ("c.example.io", [1, 2, 3])], Bundle);

        JsonNode.Parse(patch!)!.ToJsonString().Should().Be(new JsonArray(
            new JsonObject { ["op"] = "test", ["path"] = "/webhooks/1/name", ["value"] = "b.example.io" },
            new JsonObject { ["op"] = "add", ["path"] = "/webhooks/1/clientConfig/caBundle", ["value"] = Convert.ToBase64String(Bundle) },
            new JsonObject { ["op"] = "test", ["path"] = "/webhooks/2/name", ["value"] = "c.example.io" },
            new JsonObject { ["op"] = "add", ["path"] = "/webhooks/2/clientConfig/caBundle", ["value"] = Convert.ToBase64String(Bundle) }).ToJsonString());
    }

    [Fact]
    public void A_configuration_without_webhooks_needs_no_patch()
    {
        CaBundlePatch.For([], Bundle).Should().BeNull();
    }
}
