using AdmissionGuard.Sandbox.Http;
using AdmissionGuard.Tests.Manifests;

namespace AdmissionGuard.IntegrationTests.Rbac;

/// <summary>The audit's RBAC evaluation, on small hand-written manifests: what kube-apiserver would allow.</summary>
public sealed class GrantedPermissionsTests
{
    private const string Guard = "system:serviceaccount:guard-ns:guard";

    private const string Manifests = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: cluster
        rules:
          - apiGroups: [""]
            resources: [pods]
            verbs: [list, patch]
          - apiGroups: [coordination.k8s.io]
            resources: [leases]
            resourceNames: [leader]
            verbs: [get, update]
          - apiGroups: [apps]
            resources: ["*/scale"]
            verbs: [update]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: cluster
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster}
        subjects: [{kind: ServiceAccount, name: guard, namespace: guard-ns}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: local
          namespace: guard-ns
        rules:
          - apiGroups: [""]
            resources: [secrets]
            verbs: [create]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: local
          namespace: guard-ns
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: local}
        subjects: [{kind: Group, name: "system:serviceaccounts:guard-ns"}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: evictor
        rules:
          - apiGroups: [""]
            resources: [pods/eviction]
            verbs: [create]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: evictor
          namespace: workloads
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: evictor}
        subjects: [{kind: ServiceAccount, name: guard, namespace: guard-ns}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: someone-else
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: evictor}
        subjects: [{kind: ServiceAccount, name: other, namespace: guard-ns}]
        """;

    /// <summary>verb, group, resource, subresource, namespace, name; and whether the rules allow it.</summary>
    public static TheoryData<string, string, string, string, string, string, bool> Requests => new()
    {
        { "list", "", "pods", "", "", "", true },
        { "list", "", "pods", "", "any-namespace", "", true },
        { "get", "", "pods", "", "default", "web", false },
        { "patch", "apps", "pods", "", "default", "web", false },
        { "patch", "", "pods", "status", "default", "web", false },
        { "get", "coordination.k8s.io", "leases", "", "guard-ns", "leader", true },
        { "get", "coordination.k8s.io", "leases", "", "guard-ns", "other", false },
        { "update", "coordination.k8s.io", "leases", "", "guard-ns", "", false },
        { "update", "apps", "deployments", "scale", "default", "web", true },
        { "update", "apps", "deployments", "", "default", "web", false },
        { "create", "", "secrets", "", "guard-ns", "", true },
        { "create", "", "secrets", "", "default", "", false },
        { "create", "", "pods", "eviction", "workloads", "web", true },
        { "create", "", "pods", "eviction", "default", "web", false },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void A_request_is_allowed_exactly_when_a_bound_rule_names_its_verb_group_resource_name_and_namespace(
        string verb, string apiGroup, string resource, string subresource, string requestNamespace, string name, bool allowed)
    {
        var granted = GrantedPermissions.For(Guard, RenderedManifests.Parse(Manifests));
        var request = new ApiRequest(Guard, verb, apiGroup, resource, NullIfEmpty(subresource), NullIfEmpty(requestNamespace), NullIfEmpty(name));

        (granted.Allowing(request) is not null).Should().Be(allowed, request.ToString());
    }

    [Fact]
    public void Bindings_grant_only_to_their_subjects_and_unused_permissions_are_listed_per_verb()
    {
        var manifests = RenderedManifests.Parse(Manifests);
        var sameNamespace = GrantedPermissions.For("system:serviceaccount:guard-ns:other", manifests);
        var elsewhere = GrantedPermissions.For("system:serviceaccount:elsewhere:guard", manifests);
        var guard = GrantedPermissions.For(Guard, manifests);

        sameNamespace.Rules.Select(r => $"{r.Source} {r.Namespace}").Should().Equal("ClusterRole/evictor rule 1 ", "Role/guard-ns/local rule 1 guard-ns");
        elsewhere.Rules.Should().BeEmpty();
        guard.Unused([new ApiRequest(Guard, "list", "", "pods", null, null, null)]).Should().Equal(
            "patch core/pods cluster-wide (ClusterRole/cluster rule 1)",
            "get coordination.k8s.io/leases[leader] cluster-wide (ClusterRole/cluster rule 2)",
            "update coordination.k8s.io/leases[leader] cluster-wide (ClusterRole/cluster rule 2)",
            "update apps/*/scale cluster-wide (ClusterRole/cluster rule 3)",
            "create core/secrets in guard-ns (Role/guard-ns/local rule 1)",
            "create core/pods/eviction in workloads (ClusterRole/evictor rule 1)");
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
