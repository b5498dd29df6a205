using System.Text;
using System.Text.Json.Nodes;
using AdmissionGuard.Tests.Support;
using AdmissionGuard.Webhook;

namespace AdmissionGuard.Tests.Webhook;

public sealed class GatePatchTests
{
    [Theory]
    [InlineData(new[] { "spec", "schedulingGates" }, "/spec/schedulingGates")]
    [InlineData(new[] { "metadata", "annotations", "admissionguard.io/mode" }, "/metadata/annotations/admissionguard.io~1mode")]
    [InlineData(new[] { "a~b", "c/d~/" }, "/a~0b/c~1d~0~1")]
    [InlineData(new[] { "" }, "/")]
    public void Json_pointer_segments_are_escaped(string[] segments, string escaped)
    {
        JsonPointer.Of(segments).Should().Be(escaped);
    }

    [Theory]
    [InlineData("{\"spec\":{\"schedulingGates\":[{\"name\":\"x\"}]}}", "[{\"op\":\"add\",\"path\":\"/spec/schedulingGates/-\",\"value\":{\"name\":\"admissionguard.io/cni-ready\"}}]")]
    [InlineData("{\"spec\":{}}", "[{\"op\":\"add\",\"path\":\"/spec/schedulingGates\",\"value\":[{\"name\":\"admissionguard.io/cni-ready\"}]}]")]
    [InlineData("{\"spec\":{\"schedulingGates\":null}}", "[{\"op\":\"add\",\"path\":\"/spec/schedulingGates\",\"value\":[{\"name\":\"admissionguard.io/cni-ready\"}]}]")]
    [InlineData("{\"metadata\":{}}", "[{\"op\":\"add\",\"path\":\"/spec\",\"value\":{\"schedulingGates\":[{\"name\":\"admissionguard.io/cni-ready\"}]}}]")]
    public void Patch_fits_the_shape_of_the_pod(string pod, string patch)
    {
        var review = AdmissionReviews.PodCreate(JsonNode.Parse(pod)!.AsObject());
        AdmissionReviewReader.TryRead(Encoding.UTF8.GetBytes(review), out var request, out _).Should().BeTrue();

        var carried = JsonNode.Parse(GatePatch.JsonStringFor(GatePatch.ShapeOf(request!.Object!)))!.GetValue<string>();
        Encoding.UTF8.GetString(Convert.FromBase64String(carried)).Should().Be(patch);
    }
}
