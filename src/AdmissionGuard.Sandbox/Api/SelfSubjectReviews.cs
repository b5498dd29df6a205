using System.Text.Json.Nodes;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// authentication.k8s.io/v1 <c>selfsubjectreviews</c> (<c>kubectl auth whoami</c>): a create-only resource that answers
/// who the caller is and stores nothing.
/// </summary>
public static class SelfSubjectReviews
{
    public const string Group = "authentication.k8s.io";
    public const string Version = "v1";
    public const string Plural = "selfsubjectreviews";
    public const string Kind = "SelfSubjectReview";

    /// <summary>Its entry in <c>/apis/authentication.k8s.io/v1</c> discovery.</summary>
    public static JsonObject DiscoveryEntry() => new()
    {
        ["name"] = Plural,
        ["singularName"] = "selfsubjectreview",
        ["namespaced"] = false,
        ["kind"] = Kind,
        ["verbs"] = new JsonArray("create"),
    };

    public static bool IsTarget(string group, string version, string[] rest) =>
        group == Group && version == Version && rest is [Plural];

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
            ["apiVersion"] = $"{Group}/{Version}",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = now },
            ["status"] = new JsonObject
            {
                ["userInfo"] = new JsonObject { ["username"] = user, ["groups"] = new JsonArray([.. UserGroups.Of(user).Select(g => JsonValue.Create(g))]) },
            },
        };
    }
}
