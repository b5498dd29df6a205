using System.Text.Json.Nodes;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Cel;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// What webhooks and ValidatingAdmissionPolicies match a request by, as kube-apiserver matches them: rules,
/// namespace and object selectors, and CEL matchConditions over the request as it is converted for CEL.
/// </summary>
internal static class AdmissionMatch
{
    /// <summary>One rule: operations, groups, versions, resources (with subresources, <c>*</c> and <c>x/*</c>) and scope.</summary>
    public static bool Rule(IList<string>? operations, IList<string>? groups, IList<string>? versions, IList<string>? resources, string? scope, AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AnyOf(operations, OperationName(request.Operation))
            && AnyOf(groups, request.Resource.Group)
            && AnyOf(versions, request.Resource.Version)
            && (resources ?? []).Any(pattern => ResourceMatches(pattern, request.Resource.Plural, request.SubResource))
            && (scope is null or "*" || (scope == "Namespaced") == request.Resource.Namespaced);

        static bool AnyOf(IList<string>? allowed, string value) => (allowed ?? []).Any(a => a == "*" || a == value);

        static bool ResourceMatches(string pattern, string plural, string? subresource)
        {
            var (resourcePattern, subPattern) = pattern.Split('/', 2) is [var r, var s] ? (r, s) : (pattern, (string?)null);
            var resourceOk = resourcePattern == "*" || resourcePattern == plural;
            return resourceOk && (subPattern is null ? subresource is null : subPattern == "*" || subPattern == subresource);
        }
    }

    /// <summary>The namespace selector (on the namespace's labels; cluster-scoped objects other than namespaces pass) and the object selector (new or old object).</summary>
    /// <exception cref="FormatException">A selector is invalid.</exception>
    public static bool Selectors(ObjectStore store, V1LabelSelector? namespaceSelector, V1LabelSelector? objectSelector, AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        var namespaces = LabelSelector.FromModel(namespaceSelector, nullMeansEverything: true);
        if (!namespaces.IsEverything && (request.Resource.Namespaced || request.Resource == ResourceTypes.Namespaces))
        {
            IReadOnlyDictionary<string, string>? labels = request.Resource == ResourceTypes.Namespaces
                ? ObjectLabels(request.NewObject ?? request.OldObject)
                : store.Get(ResourceTypes.Namespaces, null, request.Namespace ?? "")?.Labels;
            if (!namespaces.Matches(labels ?? new Dictionary<string, string>()))
            {
                return false;
            }
        }

        var objects = LabelSelector.FromModel(objectSelector, nullMeansEverything: true);
        return objects.IsEverything
            || objects.Matches(ObjectLabels(request.NewObject))
            || (request.OldObject is not null && objects.Matches(ObjectLabels(request.OldObject)));
    }

    /// <summary>
    /// Evaluates every matchCondition as kube-apiserver does, in order: the first false one skips (<paramref name="skip"/>),
    /// else any error is the result (null when none).
    /// </summary>
    /// <param name="evaluate">Compiles and evaluates one expression in the caller's CEL environment.</param>
    /// <param name="evaluationErrors">The conditions that failed to evaluate before the result was known: kube-apiserver
    /// counts each, whatever the failure policy and even when a later condition is false.</param>
    public static string? ConditionError(IList<V1MatchCondition>? conditions, Func<string, bool> evaluate, out bool skip, out int evaluationErrors)
    {
        ArgumentNullException.ThrowIfNull(evaluate);
        skip = false;
        var errors = new List<string>();
        foreach (var condition in conditions ?? [])
        {
            try
            {
                if (!evaluate(condition.Expression))
                {
                    skip = true;
                    evaluationErrors = errors.Count;
                    return null;
                }
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                errors.Add($"expression '{condition.Expression}' resulted in error: {e.Message}");
            }
        }

        evaluationErrors = errors.Count;

        return errors.Count == 0 ? null : $"failed to evaluate match condition: [{string.Join(", ", errors)}]";
    }

    /// <summary>The sandbox authorizes nothing, so CEL's <c>authorizer</c> is an error wherever it is read.</summary>
    private static readonly CelEvaluationException NoAuthorizer =
        new("the sandbox does not authorize requests (RBAC objects are stored, not enforced), so authorizer checks cannot be evaluated");

    /// <summary>
    /// CEL's <c>object</c>, <c>oldObject</c>, <c>request</c> and <c>authorizer</c> for a review's request, converted once
    /// for every condition and policy that reads them. The request is converted as kube-apiserver converts it, with
    /// Go's omitempty: unset optional fields are absent (no null, no "").
    /// </summary>
    public static IReadOnlyDictionary<string, object?> ConditionVariables(JsonObject reviewRequest)
    {
        ArgumentNullException.ThrowIfNull(reviewRequest);
        var request = (CelMap)CelValues.FromJson(reviewRequest)!;
        foreach (var empty in request.Entries.Where(e => e.Value is "").Select(e => e.Key).ToList())
        {
            request.Entries.Remove(empty);
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["object"] = request.Entries.GetValueOrDefault("object"),
            ["oldObject"] = request.Entries.GetValueOrDefault("oldObject"),
            ["request"] = request,
            ["authorizer"] = NoAuthorizer,
        };
    }

    /// <summary>kube-apiserver's NewForbidden wording: <c>pods "web" is forbidden: ...</c>.</summary>
    public static string Forbidden(AdmissionRequest request, string reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{QualifiedResource(request)} \"{request.Name}\" is forbidden: {reason}";
    }

    /// <summary><c>pods</c>, <c>deployments.apps</c>: the resource as kube-apiserver's errors name it.</summary>
    public static string QualifiedResource(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Resource.Group.Length == 0 ? request.Resource.Plural : $"{request.Resource.Plural}.{request.Resource.Group}";
    }

    /// <summary>An AdmissionReview's <c>request</c>, as kube-apiserver sends it to webhooks and hands it to CEL.</summary>
    public static JsonObject ReviewRequest(string uid, AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resource = new JsonObject { ["group"] = request.Resource.Group, ["version"] = request.Resource.Version, ["resource"] = request.Resource.Plural };
        var kind = new JsonObject { ["group"] = request.Kind.Group, ["version"] = request.Kind.Version, ["kind"] = request.Kind.Kind };
        var body = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = kind,
            ["resource"] = resource,
            ["requestKind"] = kind.DeepClone(),
            ["requestResource"] = resource.DeepClone(),
            ["operation"] = OperationName(request.Operation),
            ["userInfo"] = new JsonObject { ["username"] = request.Context.User, ["groups"] = new JsonArray([.. UserGroups.Of(request.Context.User).Select(g => JsonValue.Create(g))]) },
            ["object"] = request.NewObject?.DeepClone(),
            ["oldObject"] = request.OldObject?.DeepClone(),
            ["dryRun"] = request.Context.DryRun,
            ["options"] = new JsonObject
            {
                ["kind"] = request.Operation switch
                {
                    AdmissionOperation.Create => "CreateOptions",
                    AdmissionOperation.Update => "UpdateOptions",
                    _ => "DeleteOptions",
                },
                ["apiVersion"] = "meta.k8s.io/v1",
            },
        };
        // Go's omitempty: a generateName pod's CREATE has no name yet, so the review (and CEL's request) has none.
        if (request.Name.Length > 0)
        {
            body["name"] = request.Name;
        }

        if (request.SubResource is not null)
        {
            body["subResource"] = request.SubResource;
            body["requestSubResource"] = request.SubResource;
        }

        if (request.Namespace is not null)
        {
            body["namespace"] = request.Namespace;
        }

        return body;
    }

    private static Dictionary<string, string> ObjectLabels(JsonObject? obj) =>
        obj is null ? [] : ObjectFields.Labels(obj);

    internal static string OperationName(AdmissionOperation operation) => operation.ToString().ToUpperInvariant();
}
