using YamlDotNet.Serialization;

namespace AdmissionGuard.Tests.Manifests.CustomResources;

internal sealed class CertificateSpec
{
    [YamlMember(Alias = "isCA")]
    public bool IsCA { get; set; }

    public IList<string> DnsNames { get; set; } = [];

    public string? SecretName { get; set; }

    public IssuerReference IssuerRef { get; set; } = new();
}
