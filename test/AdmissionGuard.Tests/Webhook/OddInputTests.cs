using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AdmissionGuard.Core;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Webhook;

/// <summary>
/// Inputs that once escaped as a 500 or an "internal error" fail-open: invalid UTF-8 and lone surrogates inside
/// fields, and valid JSON of odd shapes (null list items). Each gets a deliberate answer.
/// </summary>
public sealed class OddInputTests
{
    private const string Marker = "MARKER";

    /// <summary>A review with <see cref="Marker"/> at <paramref name="path"/>, the marker then replaced by raw bytes.</summary>
    private static byte[] ReviewWithBytesAt(string[] path, byte[] bytes)
    {
        var review = JsonNode.Parse(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode()))!;
        var parent = path[..^1].Aggregate(review, (node, step) => int.TryParse(step, out var i) ? node[i]! : node[step]!);
        parent[path[^1]] = Marker;
        var text = Encoding.UTF8.GetBytes(review.ToJsonString());
        var at = text.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Marker));
        return [.. text[..at], .. bytes, .. text[(at + Marker.Length)..]];
    }

    public static TheoryData<string> Fields => new()
    {
        "request.uid",
        "request.namespace",
        "request.userInfo.username",
        "request.object.metadata.namespace",
        "request.object.spec.tolerations.0.key",
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task Invalid_utf8_inside_a_field_gets_400_with_a_json_body_and_is_counted_as_invalid(string field)
    {
        await using var guard = await GuardTestHost.StartAsync();
        var body = ReviewWithBytesAt(field.Split('.'), [(byte)'a', 0xFF, (byte)'b']);
        var before = await InvalidCountAsync(guard);

        var result = await guard.PostAsync("/mutate-pods", body);

        result.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        result.ContentType.Should().Be("application/problem+json");
        result.ProblemDetail.Should().StartWith("the body is not valid UTF-8");
        (await InvalidCountAsync(guard)).Should().BeGreaterThan(before);
    }

    // The metrics registry is the process's: other tests count too, so compare before and after.
    private static async Task<double> InvalidCountAsync(GuardTestHost guard)
    {
        using var health = guard.HealthClient();
        var metrics = await health.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        const string Series = "admissionguard_admission_requests_total{operation=\"mutate_invalid\",decision=\"invalid\"} ";
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(Series, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[Series.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task An_escaped_lone_surrogate_gets_400()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var body = ReviewWithBytesAt(["request", "object", "metadata", "labels", "app"], Encoding.ASCII.GetBytes("\\ud800x"));

        var result = await guard.PostAsync("/validate-pods", body);

        result.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        result.ProblemDetail.Should().Contain("not valid Unicode");
    }

    [Fact]
    public async Task A_null_toleration_is_ignored_and_the_others_still_decide()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();
        pod["spec"]!["tolerations"]!.AsArray().Insert(0, null);

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod));

        result.ApplyPatchTo(pod).SchedulingGates().Should().Equal(WellKnown.SchedulingGate);
        result.AuditAnnotations["decision"].Should().Be("gated");
    }

    [Fact]
    public async Task Only_null_tolerations_tolerate_nothing()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();
        pod["spec"]!["tolerations"] = new JsonArray(null, null);

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod));

        result.StatusCode.Should().Be(HttpStatusCode.OK);
        result.Allowed.Should().BeTrue();
        result.HasPatch.Should().BeFalse();
        result.Warnings.Should().BeEmpty("the untolerated taint keeps the pod off the node: nothing to warn about, and no internal error");
    }

    [Fact]
    public async Task Null_entries_in_node_selector_terms_match_fields_and_values_are_ignored()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();
        var terms = pod["spec"]!["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]!.AsArray();
        terms.Insert(0, null);
        terms[1]!["matchFields"]!.AsArray().Insert(0, null);
        terms[1]!["matchFields"]![1]!["values"]!.AsArray().Insert(0, null);

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod));

        result.AuditAnnotations["decision"].Should().Be("gated");
        result.AuditAnnotations["reason"].Should().Be("pinned-to-tainted-node");
    }

    [Fact]
    public async Task Property_names_written_with_json_escapes_decode_like_plain_ones()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var review = AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode());
        foreach (var name in new[] { "object", "tolerations", "nodeSelectorTerms", "matchFields", "effect" })
        {
            review.Should().Contain($"\"{name}\"");
            review = review.Replace($"\"{name}\"", $"\"\\u{(int)name[0]:x4}{name[1..]}\"", StringComparison.Ordinal);
        }

        var result = await guard.MutateAsync(review);

        result.AuditAnnotations["decision"].Should().Be("gated", "\\u0074olerations is tolerations to JSON, and so to the apiserver");
        result.AuditAnnotations["reason"].Should().Be("pinned-to-tainted-node");
    }

    [Fact]
    public async Task Null_scheduling_gate_items_keep_the_list_and_ours_is_appended()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();
        pod["spec"]!["schedulingGates"] = new JsonArray(null, new JsonObject { ["name"] = "example.com/quota" });

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod));

        result.PatchText.Should().Contain("/spec/schedulingGates/-");
    }

    [Theory]
    [InlineData("tolerations", "[{\"key\": 5}]", "request.object is not a valid Pod: spec.tolerations[*].key must be a string, not a number")]
    [InlineData("tolerations", "[7]", "request.object is not a valid Pod: spec.tolerations[*] must be an object, not a number")]
    [InlineData("tolerations", "[[{\"operator\": \"Exists\"}], {\"key\": []}]", "request.object is not a valid Pod: spec.tolerations[*] must be an object, not an array")]
    [InlineData("schedulingGates", "[{\"name\": \"a\"}, {\"name\": {}}]", "request.object is not a valid Pod: spec.schedulingGates[*].name must be a string, not an object")]
    [InlineData("schedulingGates", "{}", "request.object is not a valid Pod: spec.schedulingGates must be an array, not an object")]
    [InlineData("hostNetwork", "\"yes\"", "request.object is not a valid Pod: spec.hostNetwork must be a boolean, not a string")]
    [InlineData("tolerations", "[{\"tolerationSeconds\": 1.5}]", "request.object is not a valid Pod: spec.tolerations[*].tolerationSeconds must be an integer, not a number")]
    public async Task A_malformed_pod_gets_400_naming_the_field(string field, string json, string reason)
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();
        pod["spec"]![field] = JsonNode.Parse(json);

        var result = await guard.ValidateAsync(AdmissionReviews.PodCreate(pod));

        result.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        result.ProblemDetail.Should().Be(reason);
    }

    [Fact]
    public async Task The_object_of_a_request_the_guard_does_not_decide_is_not_checked()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var review = JsonNode.Parse(AdmissionReviews.ConfigMapCreate(uid: "uid-cm"))!;
        review["request"]!["object"]!["spec"] = 5;

        var result = await guard.MutateAsync(review.ToJsonString());

        result.StatusCode.Should().Be(HttpStatusCode.OK);
        result.Uid.Should().Be("uid-cm");
    }

    [Fact]
    public async Task A_reason_quotes_at_most_a_short_prefix_of_a_huge_value()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var review = JsonNode.Parse(AdmissionReviews.ConfigMapCreate())!;
        review["apiVersion"] = new string('v', 100_000);

        var result = await guard.MutateAsync(review.ToJsonString());

        result.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        result.ProblemDetail.Length.Should().BeLessThan(200);
    }
}
