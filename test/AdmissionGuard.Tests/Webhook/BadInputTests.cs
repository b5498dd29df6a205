using System.Net;
using System.Text.Json.Nodes;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Webhook;

public sealed class BadInputTests
{
    private static string ValidReview() => AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode());

    private static string Edit(Action<JsonObject> edit)
    {
        var review = JsonNode.Parse(ValidReview())!.AsObject();
        edit(review);
        return review.ToJsonString();
    }

    public static TheoryData<string, string> BadReviews => new()
    {
        { "{\"apiVersion\": \"admission.k8s.io/v1\", ", "the body is not valid JSON" },
        { "", "the body is not valid JSON" },
        { "[]", "the body must be a JSON object (an AdmissionReview), not an array" },
        { "\"review\"", "the body must be a JSON object (an AdmissionReview), not a string" },
        { Edit(r => r["apiVersion"] = "admission.k8s.io/v1beta1"), "apiVersion must be admission.k8s.io/v1, got 'admission.k8s.io/v1beta1'" },
        { Edit(r => r.Remove("apiVersion")), "apiVersion must be admission.k8s.io/v1, got nothing" },
        { Edit(r => r["kind"] = "Pod"), "kind must be AdmissionReview, got 'Pod'" },
        { Edit(r => r.Remove("request")), "request is missing or not an object" },
        { Edit(r => r["request"] = "x"), "request is missing or not an object" },
        { Edit(r => r["request"]!.AsObject().Remove("uid")), "request.uid is missing or empty" },
        { Edit(r => r["request"]!["uid"] = ""), "request.uid is missing or empty" },
        { Edit(r => r["request"]!["uid"] = 42), "request.uid is missing or empty" },
        { Edit(r => r["request"]!.AsObject().Remove("kind")), "request.kind is missing or not an object" },
        { Edit(r => r["request"]!["kind"]!["kind"] = 7), "request.kind.kind must be a string, not a number" },
        { Edit(r => r["request"]!["operation"] = new JsonArray()), "request.operation must be a string, not an array" },
        { Edit(r => r["request"]!["dryRun"] = "yes"), "request.dryRun must be a boolean, not a string" },
        { Edit(r => r["request"]!.AsObject().Remove("object")), "request.object is missing" },
        { Edit(r => r["request"]!["object"]!["spec"] = 5), "request.object is not a valid Pod" },
        { Edit(r => r["request"]!["object"]!["spec"]!["tolerations"] = "all"), "request.object is not a valid Pod" },
    };

    [Theory]
    [MemberData(nameof(BadReviews))]
    public async Task Bad_reviews_get_400_with_a_json_body_saying_what_is_wrong(string body, string reason)
    {
        await using var guard = await GuardTestHost.StartAsync();

        foreach (var path in new[] { "/mutate-pods", "/validate-pods" })
        {
            var result = await guard.PostAsync(path, body);

            result.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            result.ContentType.Should().Be("application/problem+json");
            result.ProblemDetail.Should().Contain(reason);
        }
    }

    [Fact]
    public async Task Binding_without_target_node_gets_400()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var review = JsonNode.Parse(AdmissionReviews.BindingCreate("default", "web", "n"))!;
        review["request"]!["object"]!.AsObject().Remove("target");

        var result = await guard.ValidateAsync(review.ToJsonString());

        result.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        result.ProblemDetail.Should().Contain("request.object.target.name");
    }

    [Fact]
    public async Task A_non_pod_object_is_allowed_without_patch()
    {
        await using var guard = await GuardTestHost.StartAsync();

        foreach (var path in new[] { "/mutate-pods", "/validate-pods" })
        {
            var result = await guard.PostAsync(path, AdmissionReviews.ConfigMapCreate(uid: "uid-cm"));

            result.StatusCode.Should().Be(HttpStatusCode.OK);
            result.Uid.Should().Be("uid-cm");
            result.Allowed.Should().BeTrue();
            result.HasPatch.Should().BeFalse();
        }
    }

    [Fact]
    public async Task A_pod_update_is_allowed_without_patch()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode(), operation: "UPDATE"));

        result.Allowed.Should().BeTrue();
        result.HasPatch.Should().BeFalse();
    }

    [Fact]
    public async Task A_body_over_3_MiB_gets_413()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();
        pod["metadata"]!["annotations"] = new JsonObject { ["padding"] = new string('x', 3 * 1024 * 1024) };

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod));

        result.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        result.ProblemDetail.Should().Contain("3 MiB");
    }

    [Fact]
    public async Task A_body_just_under_3_MiB_is_answered()
    {
        await using var guard = await GuardTestHost.StartAsync();
        var pod = PodFixtures.EbsCsiNode();
        pod["metadata"]!["annotations"] = new JsonObject { ["padding"] = new string('x', 3 * 1024 * 1024 - 8192) };

        var result = await guard.MutateAsync(AdmissionReviews.PodCreate(pod));

        result.StatusCode.Should().Be(HttpStatusCode.OK);
        result.HasPatch.Should().BeTrue();
    }

    [Fact]
    public async Task Content_type_is_not_required()
    {
        await using var guard = await GuardTestHost.StartAsync();

        var result = await guard.PostAsync("/mutate-pods", ValidReview(), contentType: null);

        result.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Replacing_any_value_of_a_review_with_any_json_type_never_yields_a_server_error()
    {
        await using var guard = await GuardTestHost.StartAsync();
        JsonNode?[] replacements = [null, 0, -1.5, "", "x", true, new JsonArray(), new JsonObject()];
        var original = JsonNode.Parse(ValidReview())!;
        var paths = Paths(original, []).ToList();
        paths.Should().HaveCountGreaterThan(60);

        foreach (var path in paths)
        {
            foreach (var replacement in replacements)
            {
                var review = original.DeepClone();
                Set(review, path, replacement?.DeepClone());
                foreach (var endpoint in new[] { "/mutate-pods", "/validate-pods" })
                {
                    var result = await guard.PostAsync(endpoint, review.ToJsonString());

                    ((int)result.StatusCode).Should().BeOneOf([200, 400], $"{endpoint} with {string.Join('/', path)} = {replacement?.ToJsonString() ?? "null"}");
                    if (result.StatusCode == HttpStatusCode.OK)
                    {
                        result.Uid.Should().NotBeEmpty();
                    }
                }
            }
        }
    }

    private static IEnumerable<object[]> Paths(JsonNode? node, object[] prefix)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    object[] path = [.. prefix, key];
                    yield return path;
                    foreach (var child in Paths(value, path))
                    {
                        yield return child;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    object[] path = [.. prefix, i];
                    yield return path;
                    foreach (var child in Paths(array[i], path))
                    {
                        yield return child;
                    }
                }

                break;
        }
    }

    private static void Set(JsonNode root, object[] path, JsonNode? value)
    {
        var parent = path[..^1].Aggregate(root, (node, step) => step is int i ? node[i]! : node[(string)step]!);
        if (path[^1] is int index)
        {
            parent[index] = value;
        }
        else
        {
            parent[(string)path[^1]] = value;
        }
    }
}
