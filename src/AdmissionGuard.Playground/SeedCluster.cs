using System.Globalization;
using AdmissionGuard.Sandbox.Simulation;
using k8s.Models;

namespace AdmissionGuard.Playground;

/// <summary>
/// The seed's cluster on the simulation: nodes registered with the Cilium taint, the VPC CNI <c>aws-node</c>
/// (hostNetwork), two DaemonSets with blanket tolerations that start before Cilium is ready (<c>ebs-csi-node</c>
/// in kube-system, where the EKS add-on puts it, and <c>istio-cni-node</c> in istio-system, where Istio does), and
/// the Cilium agent. Used by <c>demo</c> and by <c>sandbox --seed</c>.
/// </summary>
internal static class SeedCluster
{
    public const string IstioNamespace = "istio-system";

    public static string NodeName(int number) => string.Create(CultureInfo.InvariantCulture, $"node-{number}");

    /// <summary>Registers <c>node-{first}</c> .. <c>node-{first + count - 1}</c>, tainted until their Cilium agent is ready.</summary>
    public static async Task<IReadOnlyList<string>> AddNodesAsync(SimulatedCluster cluster, int first, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var names = Enumerable.Range(first, count).Select(NodeName).ToList();
        foreach (var name in names)
        {
            await cluster.AddNodeAsync(name, cancellationToken: cancellationToken);
        }

        return names;
    }

    /// <summary>Creates the DaemonSets, the Cilium agent last, whose pods become Ready after <paramref name="agentStartupDelay"/>.</summary>
    public static async Task InstallWorkloadsAsync(SimulatedCluster cluster, TimeSpan agentStartupDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Api.Get<V1Namespace>(null, IstioNamespace) is null)
        {
            await cluster.Api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = IstioNamespace } }, cancellationToken: cancellationToken);
        }

        var istio = SimulatedWorkloads.IstioCniNode();
        istio.Metadata.NamespaceProperty = IstioNamespace;
        foreach (var daemonSet in new[] { SimulatedWorkloads.AwsNode(), SimulatedWorkloads.EbsCsiNode(), istio })
        {
            await cluster.Api.CreateAsync(daemonSet, cancellationToken: cancellationToken);
        }

        await cluster.InstallCiliumAsync(agentStartupDelay, cancellationToken);
    }
}
