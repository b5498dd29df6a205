using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Manifests.CustomResources;

/// <summary>monitoring.coreos.com/v1 ServiceMonitor, the fields the tests read.</summary>
internal sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "monitoring.coreos.com/v1";

    public string Kind { get; set; } = "ServiceMonitor";

    public V1ObjectMeta Metadata { get; set; } = new();

    public ServiceMonitorSpec Spec { get; set; } = new();
}
