using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Playground;
using k8s;

namespace AdmissionGuard.IntegrationTests.Scenarios.Support;

/// <summary>
/// A cluster with guard instances running against it: what the scenarios drive. The sandbox and K3s implement it,
/// so both run the same scenario code; a scenario that needs something a cluster cannot offer calls
/// <see cref="Require"/>, which skips it there with the reason.
/// </summary>
internal interface IClusterUnderTest : IAsyncDisposable
{
    /// <summary>For messages: <c>sandbox</c> or <c>k3s</c>.</summary>
    string Name { get; }

    /// <summary>A KubernetesClient for the cluster (what the scenarios observe through).</summary>
    Kubernetes Client { get; }

    /// <summary>A kubeconfig for the real kubectl.</summary>
    string KubeconfigPath { get; }

    /// <summary>The guards' reconciler log records.</summary>
    CapturedLog Log { get; }

    /// <summary>Every guard instance started, running or not, in start order.</summary>
    IReadOnlyList<GuardInstance> Guards { get; }

    /// <summary>Skips the calling scenario (with the reason) when this cluster cannot offer <paramref name="feature"/>.</summary>
    void Require(ClusterFeature feature);

    bool Supports(ClusterFeature feature);

    /// <summary>
    /// Nodes carrying <c>node.cilium.io/agent-not-ready</c> (NoExecute), Ready, with no Cilium agent yet: up to
    /// <paramref name="count"/> of them (a cluster with fewer nodes returns fewer).
    /// </summary>
    Task<IReadOnlyList<string>> AddTaintedNodesAsync(int count, CancellationToken cancellationToken);

    /// <summary>
    /// Installs Cilium (or its stand-in): an agent DaemonSet (<c>kube-system</c>, <c>k8s-app=cilium</c>, hostNetwork)
    /// on every node but <paramref name="withoutAgentOn"/>; once the agent on a node is Ready, that node's taint goes.
    /// </summary>
    Task InstallCiliumAsync(IReadOnlyCollection<string>? withoutAgentOn, CancellationToken cancellationToken);

    /// <summary>Waits until every running guard's cache satisfies <paramref name="condition"/>.</summary>
    Task WaitUntilCachedAsync(Func<IClusterSnapshot, bool> condition, string what, CancellationToken cancellationToken);

    /// <summary>Waits until a running guard leads and every running guard sees its Lease.</summary>
    Task<GuardInstance> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Makes every Lease write of the guards fail (<see cref="ClusterFeature.FaultInjection"/>): no instance can renew
    /// or take the Lease, so it goes stale while the webhooks keep serving.
    /// </summary>
    void FailLeaseWrites(bool fail);
}
