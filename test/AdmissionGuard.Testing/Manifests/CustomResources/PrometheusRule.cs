using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Manifests.CustomResources;

/// <summary>monitoring.coreos.com/v1 PrometheusRule; its rules are tested from the source file with promtool.</summary>
internal sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "monitoring.coreos.com/v1";

    public string Kind { get; set; } = "PrometheusRule";

    public V1ObjectMeta Metadata { get; set; } = new();
}
