using AdmissionGuard.Certificates;
using AdmissionGuard.Core;
using AdmissionGuard.Core.Certificates;
using AdmissionGuard.Playground;
using AdmissionGuard.Sandbox.Http;
using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Webhook;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace AdmissionGuard.IntegrationTests.Rbac;

/// <summary>
/// The API requests the guard makes (as its ServiceAccount) in representative runs on the sandbox. A workload run
/// per restart method: caches listing and watching everything they hold (pods, agent pods, nodes, namespaces,
/// ciliumendpoints, the leader Lease), leader election and the Lease's release on shutdown, a DaemonSet pod gated
/// and released, a pod that started before Cilium healed by eviction (or delete), and the Events of both. And a
/// short run with self-managed certificates: the CA Secret created, read and rotated, the caBundle of both
/// webhook configurations read and patched.
/// </summary>
public sealed class GuardRequestsFixture : IAsyncLifetime
{
    /// <summary>The workload run with <c>Reconciler:RestartMethod=Evict</c>.</summary>
    public const string Evict = "Evict";

    /// <summary>The workload run with <c>Reconciler:RestartMethod=Delete</c>.</summary>
    public const string Delete = "Delete";

    /// <summary>The run with <c>Webhook:SelfManagedCertificates=true</c>.</summary>
    public const string SelfManagedCertificates = "SelfManagedCertificates";

    /// <summary>The CA Secret of self-managed certificates (<c>Webhook:CaSecretName</c>'s default, as config/self-managed grants it).</summary>
    public const string CaSecretName = "admissionguard-webhook-ca";

    private const string Node = "node-1";
    private const string GatedNamespace = "agents";
    private static readonly TimeSpan WorkloadTimeout = TimeSpan.FromSeconds(90);

    private readonly Dictionary<string, IReadOnlyList<ApiRequest>> _requests = new(StringComparer.Ordinal);

    /// <summary>The distinct requests of the guard's identity in the named runs (<see cref="Evict"/>, <see cref="Delete"/>, <see cref="SelfManagedCertificates"/>) together.</summary>
    public IReadOnlyList<ApiRequest> Requests(params string[] runs) => [.. runs.SelectMany(run => _requests[run]).Distinct()];

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // One after the other: the machine is small, and each run has timing of its own (agent start-up, cycles).
        foreach (var method in new[] { Evict, Delete })
        {
            _requests[method] = await RecordWorkloadAsync(method, cancellationToken);
        }

        _requests[SelfManagedCertificates] = await RecordSelfManagedCertificatesAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async Task<IReadOnlyList<ApiRequest>> RecordWorkloadAsync(string restartMethod, CancellationToken cancellationToken)
    {
        await using var playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions
            {
                ReconcilerInterval = TimeSpan.FromSeconds(1),
                MinPodAge = TimeSpan.Zero,
                Simulation = new SimulationOptions
                {
                    StartupDelay = TimeSpan.FromMilliseconds(200),
                    CiliumAgentStartupDelay = TimeSpan.FromSeconds(1),
                },
                Settings = new Dictionary<string, string> { ["Reconciler:RestartMethod"] = restartMethod },
            },
            cancellationToken);
        await playground.Cluster.AddNodeAsync(Node, cancellationToken: cancellationToken);
        await playground.WaitUntilCachedAsync(cluster => cluster.GetNode(Node) is not null, $"node {Node}", cancellationToken: cancellationToken);

        // The seed's DaemonSets live in kube-system, which the webhooks never see: ebs-csi-node starts before Cilium
        // and stays unmanaged. The same kind of DaemonSet elsewhere is gated by the mutating webhook instead.
        await playground.Cluster.CreateSeedDaemonSetsAsync(cancellationToken);
        await playground.Api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = GatedNamespace } }, cancellationToken: cancellationToken);
        await playground.Api.CreateAsync(
            SimulatedWorkloads.DaemonSet("node-agent", GatedNamespace, new Dictionary<string, string> { ["app"] = "node-agent" }, "registry.k8s.io/pause:3.10", hostNetwork: false,
                [new V1Toleration { OperatorProperty = "Exists" }]),
            cancellationToken: cancellationToken);
        await playground.WaitUntilAsync(
            () => playground.Api.List<V1Pod>(GatedNamespace).Any(p => p.Spec.SchedulingGates?.Any(g => g.Name == WellKnown.SchedulingGate) == true)
                && playground.Api.List<V1Pod>(SimulatedWorkloads.SystemNamespace).Any(p => p.Metadata.Name.StartsWith("ebs-csi-node", StringComparison.Ordinal) && p.Status?.Phase == "Running"),
            "node-agent gated and ebs-csi-node running without Cilium",
            WorkloadTimeout,
            cancellationToken);

        await playground.Cluster.InstallCiliumAsync(cancellationToken: cancellationToken);
        var restarted = restartMethod == Delete ? "UnmanagedPodDeleted" : "UnmanagedPodEvicted";
        await playground.WaitUntilAsync(
            () => EventReasons(playground).IsSupersetOf(["SchedulingGateReleased", restarted]),
            $"the events SchedulingGateReleased and {restarted}",
            WorkloadTimeout,
            cancellationToken);

        // A graceful stop, as on SIGTERM: the leader releases its Lease, which is one more request to authorize.
        foreach (var instance in playground.Instances)
        {
            await instance.StopAsync(cancellationToken);
        }

        return playground.Sandbox.Requests.Requests(GuardOnSandbox.ServiceAccountUser);
    }

    /// <summary>
    /// Every request of self-managed certificates, without a workload or a reconciler: the first replica finds no CA
    /// Secret and creates it; a second replica, started when that CA is about to expire, reads it, rotates it (the
    /// update) and writes the new bundle into both webhook configurations, which the sandbox registers with its own
    /// CA once the first replica is ready (so a read and a patch of each). Waiting for replicas that serve a
    /// certificate of the Secret's CA means each one's first pass is complete; the next comes only a minute later.
    /// </summary>
    private static async Task<IReadOnlyList<ApiRequest>> RecordSelfManagedCertificatesAsync(CancellationToken cancellationToken)
    {
        await using var playground = await GuardOnSandbox.StartAsync(
            new GuardOnSandboxOptions
            {
                Settings = new Dictionary<string, string>
                {
                    ["Webhook:SelfManagedCertificates"] = "true",
                    ["Webhook:Namespace"] = GuardOnSandbox.GuardNamespace,
                    ["Reconciler:Enabled"] = "false",
                },
            },
            cancellationToken);
        var first = playground.Instances.Single();
        await playground.WaitUntilAsync(
            () => ServesCertificateOfCaSecret(playground, first),
            "the first replica to create the CA Secret and serve a certificate of its CA",
            cancellationToken: cancellationToken);

        // As if years had passed: a CA with 30 days left is past two thirds of its life, so it is due for rotation.
        var now = TimeProvider.System.GetUtcNow();
        using var expiring = CaSecretContent.NewAuthority(CaSecretStore.AuthorityName, now - CertificateRenewal.AuthorityValidity + TimeSpan.FromDays(30), replacing: null);
        await playground.Api.UpdateAsync(expiring.ToSecret(CaSecretName, GuardOnSandbox.GuardNamespace, now), cancellationToken: cancellationToken);
        var second = await playground.StartInstanceAsync(cancellationToken: cancellationToken);
        await playground.WaitUntilAsync(
            () => ServesCertificateOfCaSecret(playground, second) && !ServesCertificateOf(second, expiring.Authority),
            "the second replica to rotate the expiring CA and serve a certificate of the new one",
            cancellationToken: cancellationToken);

        foreach (var instance in playground.Instances)
        {
            await instance.StopAsync(cancellationToken);
        }

        return playground.Sandbox.Requests.Requests(GuardOnSandbox.ServiceAccountUser);
    }

    private static bool ServesCertificateOfCaSecret(GuardOnSandbox playground, GuardInstance instance)
    {
        if (playground.Api.Get<V1Secret>(GuardOnSandbox.GuardNamespace, CaSecretName) is not { } secret)
        {
            return false;
        }

        using var content = CaSecretContent.Parse(secret);
        return ServesCertificateOf(instance, content.Authority);
    }

    private static bool ServesCertificateOf(GuardInstance instance, CertificateAuthority authority) =>
        instance.Services.GetRequiredService<ICertificateSource>().GetCertificate() is { } served && authority.IsIssuerOf(served);

    private static HashSet<string> EventReasons(GuardOnSandbox playground) =>
        [.. playground.Api.List<Corev1Event>().Select(e => e.Reason)];
}
