using k8s;
using k8s.Models;

namespace AdmissionGuard.Tests.Manifests.CustomResources;

/// <summary>cert-manager.io/v1 Issuer, the fields the tests read.</summary>
internal sealed class Issuer : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "cert-manager.io/v1";

    public string Kind { get; set; } = "Issuer";

    public V1ObjectMeta Metadata { get; set; } = new();

    public IssuerSpec Spec { get; set; } = new();
}
