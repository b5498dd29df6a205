using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Http;
using AdmissionGuard.Tests.Manifests;

namespace AdmissionGuard.IntegrationTests.Rbac;

/// <summary>
/// The RBAC audit: every request the guard made on the sandbox (as its ServiceAccount) must be allowed by the rules
/// the install renders for that ServiceAccount, and every permission the install grants must be needed by one of them.
/// </summary>
public sealed class RbacAuditTests(GuardRequestsFixture recorded) : IClassFixture<GuardRequestsFixture>
{
    private const string DefaultInstall = "resources: [{config}/default]";

    /// <summary>Every request of self-managed certificates, as kube-apiserver authorizes it: a create has no name.</summary>
    private static readonly string[] SelfManagedCertificateRequests =
    [
        $"create secrets (core) namespace {GuardOnSandbox.GuardNamespace}",
        $"get secrets (core) {GuardOnSandbox.GuardNamespace}/{GuardRequestsFixture.CaSecretName}",
        $"update secrets (core) {GuardOnSandbox.GuardNamespace}/{GuardRequestsFixture.CaSecretName}",
        "get mutatingwebhookconfigurations (admissionregistration.k8s.io) admissionguard",
        "patch mutatingwebhookconfigurations (admissionregistration.k8s.io) admissionguard",
        "get validatingwebhookconfigurations (admissionregistration.k8s.io) admissionguard",
        "patch validatingwebhookconfigurations (admissionregistration.k8s.io) admissionguard",
    ];

    /// <summary>An install (a kustomization over config/) and the recorded runs of what it configures.</summary>
    public static TheoryData<string, string[]> Installs => new()
    {
        { DefaultInstall, [GuardRequestsFixture.Evict] },
        { "resources: [{config}/default-self-managed]", [GuardRequestsFixture.Evict, GuardRequestsFixture.SelfManagedCertificates] },
        { "resources: [{config}/default]\ncomponents: [{config}/restart-delete]", [GuardRequestsFixture.Delete] },
    };

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task Every_request_the_guard_makes_is_allowed_by_the_rendered_rules_and_every_rule_is_used(string install, string[] runs)
    {
        var manifests = await Kustomize.RenderOverlayAsync(install, TestContext.Current.CancellationToken);
        var granted = GrantedPermissions.For(GuardOnSandbox.ServiceAccountUser, manifests);
        var requests = recorded.Requests(runs);

        var uncovered = granted.Uncovered(requests);

        uncovered.Select(r => r.ToString()).Should().BeEmpty(
            "every request of {0} needs a rule; granted:\n{1}",
            GuardOnSandbox.ServiceAccountUser,
            string.Join('\n', granted.Rules.SelectMany(r => r.Permissions())));
        granted.Unused(requests).Should().BeEmpty("least privilege: a permission no request of {0} needed must go", install);
        TestContext.Current.TestOutputHelper?.WriteLine($"{requests.Count} distinct requests, all allowed, every permission used.");
    }

    [Fact]
    public async Task Without_the_restart_delete_component_the_deletes_of_that_method_are_not_allowed()
    {
        var manifests = await Kustomize.RenderOverlayAsync(DefaultInstall, TestContext.Current.CancellationToken);
        var granted = GrantedPermissions.For(GuardOnSandbox.ServiceAccountUser, manifests);

        var uncovered = granted.Uncovered(recorded.Requests(GuardRequestsFixture.Delete));

        // The pod that started before Cilium is in kube-system. With MinPodAge zero, a DaemonSet pod released from its
        // gate may also be restarted (in its own namespace) when a cycle sees it running before Cilium's endpoint for it.
        uncovered.Should().Contain(r => r.Namespace == "kube-system").And.OnlyContain(r => r.Verb == "delete" && r.ResourcePath == "pods");
    }

    [Fact]
    public async Task Without_the_self_managed_component_the_requests_of_self_managed_certificates_are_not_allowed()
    {
        var manifests = await Kustomize.RenderOverlayAsync(DefaultInstall, TestContext.Current.CancellationToken);
        var granted = GrantedPermissions.For(GuardOnSandbox.ServiceAccountUser, manifests);

        var uncovered = granted.Uncovered(recorded.Requests(GuardRequestsFixture.SelfManagedCertificates));

        uncovered.Select(r => r.ToString()).Should().BeEquivalentTo(SelfManagedCertificateRequests);
    }

    [Fact]
    public void The_self_managed_run_creates_reads_and_rotates_the_ca_secret_and_reads_and_patches_both_webhook_configurations()
    {
        var requests = recorded.Requests(GuardRequestsFixture.SelfManagedCertificates);

        requests.Where(r => r.Resource is "secrets" or "mutatingwebhookconfigurations" or "validatingwebhookconfigurations")
            .Select(r => r.ToString())
            .Should().BeEquivalentTo(SelfManagedCertificateRequests, string.Join('\n', requests));
        requests.Should().OnlyContain(r => r.User == GuardOnSandbox.ServiceAccountUser);
    }

    [Theory]
    [InlineData(GuardRequestsFixture.Evict, "create pods/eviction")]
    [InlineData(GuardRequestsFixture.Delete, "delete pods")]
    public void The_workload_exercises_every_kind_of_request_the_guard_makes(string restartMethod, string restart)
    {
        var requests = recorded.Requests(restartMethod);
        var kinds = requests.Select(r => $"{r.Verb} {r.ResourcePath}").ToHashSet();
        var described = string.Join('\n', requests);

        kinds.Should().Contain(
        [
            // Caches: list, then watch.
            "list pods", "watch pods", "list nodes", "watch nodes", "list namespaces", "watch namespaces",
            "list ciliumendpoints", "watch ciliumendpoints", "list leases", "watch leases",
            // Leader election and release.
            "get leases", "create leases", "update leases",
            // Gate release, restart, events.
            "patch pods", restart, "create events",
        ], described);
        requests.Should().Contain(r => r.Verb == "list" && r.Resource == "pods" && r.Namespace == "kube-system", "the agent pod cache lists the agent namespace");
        requests.Should().Contain(r => r.Verb == "watch" && r.Resource == "leases" && r.Name == "admissionguard-leader", "the Lease cache watches one Lease by name");
        requests.Should().OnlyContain(r => r.User == GuardOnSandbox.ServiceAccountUser);
    }
}
