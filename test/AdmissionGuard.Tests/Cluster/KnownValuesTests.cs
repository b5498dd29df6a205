using System.Text;
using System.Text.Json.Nodes;
using AdmissionGuard.Json;
using AdmissionGuard.Tests.Support;
using AdmissionGuard.Webhook;
using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Cluster;

/// <summary>
/// The values every pod repeats are decoded as one shared string each (<see cref="KnownValues"/>), in the caches and
/// in the webhook alike; everything else, and an escaped spelling of a known value, decodes as written.
/// </summary>
public sealed class KnownValuesTests
{
    [Theory]
    [InlineData("Exists")]
    [InlineData("node.kubernetes.io/not-ready")]
    [InlineData("admission.k8s.io/v1")]
    [InlineData("controller-revision-hash")]
    public void A_known_value_is_found_as_one_shared_instance(string value)
    {
        var found = KnownValues.Find(Encoding.UTF8.GetBytes(value));

        found.Should().Be(value);
        found.Should().BeSameAs(KnownValues.Find(Encoding.UTF8.GetBytes(value)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Exist")]
    [InlineData("exists")]
    [InlineData("ebs-csi-node-7xk2p")]
    [InlineData("a value longer than any known value, as a pod's uid or a node's name may be")]
    public void Any_other_text_is_not_known(string value)
    {
        KnownValues.Find(Encoding.UTF8.GetBytes(value)).Should().BeNull();
    }

    [Fact]
    public void A_decoded_pod_shares_the_known_values_and_keeps_its_own()
    {
        var facts = DecodedPods.Facts(KubernetesJson.Deserialize<V1Pod>(ClusterObjects.EbsCsiNodePod));

        var notReady = facts.Tolerations.Single(t => t.Key == "node.kubernetes.io/not-ready");
        notReady.Key.Should().BeSameAs(Known("node.kubernetes.io/not-ready"));
        notReady.Operator.Should().BeSameAs(Known("Exists"));
        notReady.Effect.Should().BeSameAs(Known("NoExecute"));
        facts.Owner!.Kind.Should().BeSameAs(Known("DaemonSet"));
        facts.Namespace.Should().BeSameAs(Known("kube-system"));
        facts.Labels.Keys.Should().Contain(key => ReferenceEquals(key, Known("app")));
        facts.Owner.Name.Should().Be("ebs-csi-node");
    }

    [Fact]
    public void An_escaped_known_value_decodes_to_its_text()
    {
        var json = ClusterObjects.EbsCsiNodePod.Replace("\"kind\": \"DaemonSet\"", "\"kind\": \"Daemon\\u0053et\"", StringComparison.Ordinal);
        json.Should().Contain("Daemon\\u0053et", "the test must decode an escaped value");

        DecodedPods.Decode(json).Fields.ToPodFacts().Owner!.Kind.Should().Be("DaemonSet");
    }

    [Fact]
    public void A_review_reads_its_known_values_without_new_strings()
    {
        var body = Encoding.UTF8.GetBytes(AdmissionReviews.PodCreate(JsonNode.Parse(ClusterObjects.EbsCsiNodePod)!.AsObject()));

        AdmissionReviewReader.TryRead(body, out var request, out var problem).Should().BeTrue(problem);

        request!.Kind.Should().BeSameAs(Known("Pod"));
        request.Operation.Should().BeSameAs(Known("CREATE"));
        request.Object!.Tolerations!.Should().OnlyContain(t => ReferenceEquals(t.Operator, Known("Exists")));
    }

    private static string? Known(string value) => KnownValues.Find(Encoding.UTF8.GetBytes(value));
}
