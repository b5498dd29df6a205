using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// authentication.k8s.io/v1 <c>selfsubjectreviews</c> (<c>kubectl auth whoami</c>): a create-only resource that answers
/// who the caller is and stores nothing.
/// </summary>
public static class SelfSubjectReviews
{
    private const string Plural = "selfsubjectreviews";
    private const string Kind = "SelfSubjectReview";

    /// <summary>The resource, for discovery and the OpenAPI documents (not in <see cref="ResourceTypes.All"/>: it holds no objects).</summary>
    public static ResourceType Resource { get; } =
        new("authentication.k8s.io", "v1", Kind, Plural, "selfsubjectreview", false, [], [], [], typeof(V1SelfSubjectReview));

    public static bool IsTarget(string group, string version, string[] rest) =>
        group == Resource.Group && version == Resource.Version && rest is [Plural];

    /// <summary>The review kube-apiserver answers: the caller's name and groups, stamped with the time.</summary>
    /// <exception cref="ApiException">The body is not a SelfSubjectReview.</exception>
    public static JsonObject Answer(JsonObject body, string user, string now)
    {
        ArgumentNullException.ThrowIfNull(body);
        if ((string?)body["kind"] is { } kind && kind != Kind)
        {
            throw new ApiException(ApiErrors.BadRequest($"the body of a {Plural} create must be a {Kind}, not {kind}"));
        }

        return new JsonObject
        {
            ["kind"] = Kind,
            ["apiVersion"] = Resource.ApiVersion,
            ["metadata"] = new JsonObject { ["creationTimestamp"] = now },
            ["status"] = new JsonObject
            {
                ["userInfo"] = new JsonObject { ["username"] = user, ["groups"] = new JsonArray([.. UserGroups.Of(user).Select(g => JsonValue.Create(g))]) },
            },
        };
    }
}
