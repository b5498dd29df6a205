using k8s.Models;

namespace AdmissionGuard.Tests.Manifests.CustomResources;

internal sealed class ServiceMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();

    public IList<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}
