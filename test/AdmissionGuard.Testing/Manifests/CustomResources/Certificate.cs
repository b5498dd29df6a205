using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Manifests.CustomResources;

/// <summary>cert-manager.io/v1 Certificate, the fields the tests read.</summary>
internal sealed class Certificate : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "cert-manager.io/v1";

    public string Kind { get; set; } = "Certificate";

    public V1ObjectMeta Metadata { get; set; } = new();

    public CertificateSpec Spec { get; set; } = new();
}
