using AdmissionGuard.Sandbox.Http;
using AdmissionGuard.Tests.Manifests;
using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Rbac;

/// <summary>
/// What rendered manifests grant one user, evaluated the way kube-apiserver's RBAC authorizer does
/// (<c>k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go</c>): a rule allows a request when it names the verb,
/// the API group and the resource (<c>pods/eviction</c> for a subresource, never plain <c>pods</c>), its
/// resourceNames are empty or contain the requested name, and its binding's namespace (if any) is the request's.
/// </summary>
internal sealed class GrantedPermissions
{
    private const string All = "*";
    private const string ServiceAccountPrefix = "system:serviceaccount:";

    private GrantedPermissions(string user, IReadOnlyList<BoundRule> rules)
    {
        User = user;
        Rules = rules;
    }

    public string User { get; }

    public IReadOnlyList<BoundRule> Rules { get; }

    /// <summary>The rules of every role that a binding in <paramref name="manifests"/> grants to <paramref name="user"/>.</summary>
    public static GrantedPermissions For(string user, RenderedManifests manifests)
    {
        var clusterRoles = manifests.All<V1ClusterRole>().ToDictionary(r => r.Metadata.Name, StringComparer.Ordinal);
        var roles = manifests.All<V1Role>().ToDictionary(r => (r.Metadata.NamespaceProperty, r.Metadata.Name));
        var rules = new List<BoundRule>();
        foreach (var binding in manifests.All<V1ClusterRoleBinding>().Where(b => Names(b.Subjects, user)))
        {
            if (binding.RoleRef.Kind == "ClusterRole" && clusterRoles.TryGetValue(binding.RoleRef.Name, out var role))
            {
                rules.AddRange(Bound($"ClusterRole/{role.Metadata.Name}", null, role.Rules));
            }
        }

        foreach (var binding in manifests.All<V1RoleBinding>().Where(b => Names(b.Subjects, user)))
        {
            var bindingNamespace = binding.Metadata.NamespaceProperty;
            if (binding.RoleRef.Kind == "ClusterRole" && clusterRoles.TryGetValue(binding.RoleRef.Name, out var clusterRole))
            {
                rules.AddRange(Bound($"ClusterRole/{clusterRole.Metadata.Name}", bindingNamespace, clusterRole.Rules));
            }
            else if (binding.RoleRef.Kind == "Role" && roles.TryGetValue((bindingNamespace, binding.RoleRef.Name), out var role))
            {
                rules.AddRange(Bound($"Role/{bindingNamespace}/{role.Metadata.Name}", bindingNamespace, role.Rules));
            }
        }

        return new GrantedPermissions(user, rules);
    }

    /// <summary>The first rule that allows <paramref name="request"/>, or null when none does.</summary>
    public BoundRule? Allowing(ApiRequest request) => Rules.FirstOrDefault(rule => Allows(rule, request));

    /// <summary>The requests no rule allows.</summary>
    public IReadOnlyList<ApiRequest> Uncovered(IEnumerable<ApiRequest> requests) => [.. requests.Where(r => Allowing(r) is null)];

    /// <summary>
    /// The permissions (one verb on one resource of one rule) that none of <paramref name="requests"/> needed, as lines
    /// <c>verb group/resource scope (source)</c>.
    /// </summary>
    public IReadOnlyList<string> Unused(IReadOnlyCollection<ApiRequest> requests) =>
        [.. from bound in Rules
            from apiGroup in bound.Rule.ApiGroups ?? []
            from resource in bound.Rule.Resources ?? []
            from verb in bound.Rule.Verbs
            let single = bound with
            {
                Rule = new V1PolicyRule { ApiGroups = [apiGroup], Resources = [resource], Verbs = [verb], ResourceNames = bound.Rule.ResourceNames },
            }
            where !requests.Any(r => Allows(single, r))
            select single.Permissions().Single()];

    private static IEnumerable<BoundRule> Bound(string role, string? scope, IList<V1PolicyRule>? rules) =>
        (rules ?? []).Select((rule, index) => new BoundRule($"{role} rule {index + 1}", scope, rule));

    private static bool Allows(BoundRule bound, ApiRequest request)
    {
        var rule = bound.Rule;
        return (bound.Namespace is null || bound.Namespace == request.Namespace)
            && rule.Verbs.Any(v => v == All || v == request.Verb)
            && (rule.ApiGroups ?? []).Any(g => g == All || g == request.ApiGroup)
            && (rule.Resources ?? []).Any(r => ResourceMatches(r, request))
            && (rule.ResourceNames is not { Count: > 0 } names || (request.Name is { } name && names.Contains(name)));
    }

    private static bool ResourceMatches(string ruleResource, ApiRequest request) =>
        ruleResource == All
        || ruleResource == request.ResourcePath
        || (request.Subresource is { } subresource && ruleResource == $"*/{subresource}");

    /// <summary>Whether a binding's subjects include <paramref name="user"/>: the user itself, its ServiceAccount, or a group every such account is in.</summary>
    private static bool Names(IList<Rbacv1Subject>? subjects, string user) =>
        (subjects ?? []).Any(subject => subject.Kind switch
        {
            "User" => subject.Name == user,
            "ServiceAccount" => user == $"{ServiceAccountPrefix}{subject.NamespaceProperty}:{subject.Name}",
            "Group" => GroupsOf(user).Contains(subject.Name),
            _ => false,
        });

    /// <summary>The groups kube-apiserver puts an authenticated user in (a ServiceAccount: all accounts, and its namespace's).</summary>
    private static IEnumerable<string> GroupsOf(string user)
    {
        yield return "system:authenticated";
        if (user.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal))
        {
            yield return "system:serviceaccounts";
            yield return $"system:serviceaccounts:{user[ServiceAccountPrefix.Length..].Split(':')[0]}";
        }
    }
}
