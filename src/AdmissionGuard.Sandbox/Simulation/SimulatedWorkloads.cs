using AdmissionGuard.Sandbox.Labels;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The DaemonSets of the seed's story, as manifests: the Cilium agent, two DaemonSets with blanket tolerations that
/// start before Cilium is ready (<c>ebs-csi-node</c>, <c>istio-cni-node</c>), and the hostNetwork VPC CNI <c>aws-node</c>.
/// </summary>
public static class SimulatedWorkloads
{
    public const string SystemNamespace = "kube-system";

    /// <summary>The Cilium agent: hostNetwork, tolerates every taint, labelled to match the configured agent selector.</summary>
    /// <exception cref="InvalidOperationException">The selector names no label value the pods could carry.</exception>
    public static V1DaemonSet CiliumAgent(SimulationOptions options, TimeSpan startupDelay)
    {
        ArgumentNullException.ThrowIfNull(options);
        var labels = LabelSelector.Parse(options.CiliumAgentSelector).Requirements
            .Where(r => r.Operator is LabelOperator.Equals or LabelOperator.In)
            .ToDictionary(r => r.Key, r => r.Values[0]);
        if (labels.Count == 0)
        {
            throw new InvalidOperationException(
                $"{SimulationOptions.SectionName}:{nameof(SimulationOptions.CiliumAgentSelector)}: '{options.CiliumAgentSelector}' names no label value to give the agent pods; use key=value");
        }

        return DaemonSet("cilium", options.CiliumAgentNamespace, labels, "quay.io/cilium/cilium:v1.16.5", hostNetwork: true,
            [new V1Toleration { OperatorProperty = "Exists" }], startupDelay);
    }

    /// <summary>AWS EBS CSI node plugin: needs the CNI, tolerates every NoExecute taint.</summary>
    public static V1DaemonSet EbsCsiNode() =>
        DaemonSet("ebs-csi-node", SystemNamespace, new Dictionary<string, string> { ["app"] = "ebs-csi-node" },
            "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.37.0", hostNetwork: false,
            [new V1Toleration { OperatorProperty = "Exists", Effect = "NoExecute" }]);

    /// <summary>Istio CNI node agent: needs the CNI, tolerates NoSchedule and NoExecute taints.</summary>
    public static V1DaemonSet IstioCniNode() =>
        DaemonSet("istio-cni-node", SystemNamespace, new Dictionary<string, string> { ["k8s-app"] = "istio-cni-node" },
            "docker.io/istio/install-cni:1.24.1", hostNetwork: false,
            [
                new V1Toleration { OperatorProperty = "Exists", Effect = "NoSchedule" },
                new V1Toleration { Key = "CriticalAddonsOnly", OperatorProperty = "Exists" },
                new V1Toleration { OperatorProperty = "Exists", Effect = "NoExecute" },
            ]);

    /// <summary>The VPC CNI: hostNetwork, so never at risk; tolerates everything.</summary>
    public static V1DaemonSet AwsNode() =>
        DaemonSet("aws-node", SystemNamespace, new Dictionary<string, string> { ["k8s-app"] = "aws-node" },
            "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.0", hostNetwork: true,
            [new V1Toleration { OperatorProperty = "Exists" }]);

    /// <summary>A one-container DaemonSet selecting <paramref name="labels"/>.</summary>
    /// <param name="startupDelay">Written as <see cref="SimulationAnnotations.StartupDelay"/> on the template; null keeps the default.</param>
    public static V1DaemonSet DaemonSet(
        string name, string objectNamespace, IDictionary<string, string> labels, string image, bool hostNetwork,
        IList<V1Toleration> tolerations, TimeSpan? startupDelay = null) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = objectNamespace, Labels = new Dictionary<string, string>(labels) },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(labels) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = new Dictionary<string, string>(labels),
                        Annotations = startupDelay is { } delay
                        ? new Dictionary<string, string> { [SimulationAnnotations.StartupDelay] = $"{(long)delay.TotalMilliseconds}ms" }
                        : null,
                    },
                    Spec = new V1PodSpec
                    {
                        HostNetwork = hostNetwork,
                        // As their charts ship them: node agents must not be preempted off their nodes.
                        PriorityClassName = "system-node-critical",
                        Tolerations = tolerations,
                        Containers = [new V1Container { Name = name, Image = image }],
                    },
                },
            },
        };
}
