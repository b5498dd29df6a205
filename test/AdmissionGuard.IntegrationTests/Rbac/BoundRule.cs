using k8s.Models;

namespace AdmissionGuard.IntegrationTests.Rbac;

/// <summary>
/// A policy rule granted to a user through a binding: cluster-wide (a ClusterRoleBinding) or only in
/// <see cref="Namespace"/> (a RoleBinding, whether its role is a Role or a ClusterRole).
/// </summary>
/// <param name="Source">Where it comes from, e.g. <c>ClusterRole/admissionguard rule 2</c>, for messages.</param>
internal sealed record BoundRule(string Source, string? Namespace, V1PolicyRule Rule)
{
    /// <summary>One line per permission: <c>get core/pods[names] in namespace</c>.</summary>
    public IEnumerable<string> Permissions() =>
        from apiGroup in Rule.ApiGroups ?? []
        from resource in Rule.Resources ?? []
        from verb in Rule.Verbs
        select $"{verb} {(apiGroup.Length == 0 ? "core" : apiGroup)}/{resource}{Names} {Scope} ({Source})";

    private string Names => Rule.ResourceNames is { Count: > 0 } names ? $"[{string.Join(',', names)}]" : "";

    private string Scope => Namespace is null ? "cluster-wide" : $"in {Namespace}";
}
