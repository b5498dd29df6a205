using k8s.Models;

namespace AdmissionGuard.Tests.Manifests;

public sealed class RbacManifestTests
{
    private const string GuardNamespace = "admissionguard-system";

    /// <summary>What every install grants: the caches (the pods' controllers too) list and watch, gates are patched, Events created.</summary>
    private static readonly string[] CommonClusterGrants =
    [
        "core/pods:list", "core/pods:watch", "core/pods:patch",
        "core/nodes:list", "core/nodes:watch",
        "core/namespaces:list", "core/namespaces:watch",
        "apps/daemonsets:list", "apps/daemonsets:watch", "apps/replicasets:list", "apps/replicasets:watch",
        "apps/deployments:list", "apps/deployments:watch", "apps/statefulsets:list", "apps/statefulsets:watch",
        "policy/poddisruptionbudgets:list", "policy/poddisruptionbudgets:watch",
        "cilium.io/ciliumendpoints:list", "cilium.io/ciliumendpoints:watch",
        "core/events:create", "core/events:list",
    ];

    /// <summary>The default restart method, Evict.</summary>
    private static readonly string[] GuardClusterGrants = [.. CommonClusterGrants, "core/pods/eviction:create"];

    private static readonly string[] LeaderElectionGrants =
    [
        "coordination.k8s.io/leases:get", "coordination.k8s.io/leases:list", "coordination.k8s.io/leases:watch",
        "coordination.k8s.io/leases:create", "coordination.k8s.io/leases:update",
    ];

    private static readonly string[] SelfManagedCertificateClusterGrants =
    [
        "admissionregistration.k8s.io/mutatingwebhookconfigurations:get[admissionguard]",
        "admissionregistration.k8s.io/mutatingwebhookconfigurations:patch[admissionguard]",
        "admissionregistration.k8s.io/validatingwebhookconfigurations:get[admissionguard]",
        "admissionregistration.k8s.io/validatingwebhookconfigurations:patch[admissionguard]",
    ];

    private static readonly string[] SelfManagedCertificateNamespacedGrants =
    [
        "core/secrets:create",
        "core/secrets:get[admissionguard-webhook-ca]", "core/secrets:update[admissionguard-webhook-ca]",
    ];

    public static TheoryData<string> Overlays => new()
    {
        "resources: [{config}/default]",
        "resources: [{config}/default-self-managed]",
        "resources: [{config}/default]\ncomponents: [{config}/restart-delete, {config}/dry-run]",
    };

    [Fact]
    public async Task The_default_install_grants_exactly_what_the_guard_uses_and_leases_only_in_its_namespace()
    {
        var manifests = await Kustomize.RenderAsync("config/default", TestContext.Current.CancellationToken);

        ClusterGrants(manifests).Should().BeEquivalentTo(GuardClusterGrants);
        NamespacedGrants(manifests).Should().BeEquivalentTo(LeaderElectionGrants.Select(g => $"{GuardNamespace}:{g}"));
    }

    [Fact]
    public async Task Deleting_pods_is_granted_only_with_the_restart_delete_component_which_also_selects_that_method()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var standard = await Kustomize.RenderAsync("config/default", cancellation);
        var withDelete = await Kustomize.RenderOverlayAsync(
            "resources: [{config}/default]\ncomponents: [{config}/restart-delete]", cancellation);

        ClusterGrants(standard).Should().NotContain("core/pods:delete");
        ClusterGrants(withDelete).Should().BeEquivalentTo([.. CommonClusterGrants, "core/pods:delete"], "that method never evicts");
        withDelete.All<V1ConfigMap>().Single().Data.Should().Contain("Reconciler__RestartMethod", "Delete");
    }

    [Fact]
    public async Task Self_managed_certificates_add_only_the_ca_secret_and_the_ca_bundle_of_our_own_webhooks()
    {
        var manifests = await Kustomize.RenderAsync("config/default-self-managed", TestContext.Current.CancellationToken);

        ClusterGrants(manifests).Should().BeEquivalentTo([.. GuardClusterGrants, .. SelfManagedCertificateClusterGrants]);
        NamespacedGrants(manifests).Should().BeEquivalentTo(
            LeaderElectionGrants.Concat(SelfManagedCertificateNamespacedGrants).Select(g => $"{GuardNamespace}:{g}"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task No_rule_uses_a_wildcard(string overlay)
    {
        var manifests = await Kustomize.RenderOverlayAsync(overlay, TestContext.Current.CancellationToken);
        var rules = manifests.All<V1ClusterRole>().SelectMany(r => r.Rules)
            .Concat(manifests.All<V1Role>().SelectMany(r => r.Rules))
            .ToList();

        rules.Should().NotBeEmpty();
        rules.SelectMany(r => r.ApiGroups.Concat(r.Resources).Concat(r.Verbs)).Should().NotContain(v => v.Contains('*'));
        rules.Should().OnlyContain(r => r.NonResourceURLs == null || r.NonResourceURLs.Count == 0);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_binding_grants_an_existing_role_to_the_guard_service_account_only(string overlay)
    {
        var manifests = await Kustomize.RenderOverlayAsync(overlay, TestContext.Current.CancellationToken);
        var clusterRoles = manifests.All<V1ClusterRole>().Select(r => r.Metadata.Name).ToHashSet();
        var roles = manifests.All<V1Role>().Select(r => r.Metadata.Name).ToHashSet();
        var subjects = manifests.All<V1ClusterRoleBinding>().SelectMany(b => b.Subjects)
            .Concat(manifests.All<V1RoleBinding>().SelectMany(b => b.Subjects))
            .ToList();

        manifests.All<V1ClusterRoleBinding>().Should().OnlyContain(b => b.RoleRef.Kind == "ClusterRole" && clusterRoles.Contains(b.RoleRef.Name));
        manifests.All<V1RoleBinding>().Should().OnlyContain(b => b.RoleRef.Kind == "Role" && roles.Contains(b.RoleRef.Name));
        subjects.Should().NotBeEmpty().And.OnlyContain(s =>
            s.Kind == "ServiceAccount" && s.Name == "admissionguard" && s.NamespaceProperty == GuardNamespace);
    }

    private static IEnumerable<string> ClusterGrants(RenderedManifests manifests) =>
        manifests.All<V1ClusterRole>().SelectMany(r => Grants(r.Rules));

    private static IEnumerable<string> NamespacedGrants(RenderedManifests manifests) =>
        manifests.All<V1Role>().SelectMany(r => Grants(r.Rules).Select(g => $"{r.Metadata.NamespaceProperty}:{g}"));

    /// <summary>One "group/resource:verb[names]" line per permission a rule grants.</summary>
    private static IEnumerable<string> Grants(IEnumerable<V1PolicyRule> rules) =>
        from rule in rules
        from apiGroup in rule.ApiGroups
        from resource in rule.Resources
        from verb in rule.Verbs
        let names = rule.ResourceNames is { Count: > 0 } ? $"[{string.Join(',', rule.ResourceNames)}]" : ""
        select $"{(apiGroup.Length == 0 ? "core" : apiGroup)}/{resource}:{verb}{names}";
}
