namespace AdmissionGuard.Tests.Manifests.CustomResources;

internal sealed class IssuerSpec
{
    public IDictionary<string, object>? SelfSigned { get; set; }

    public IDictionary<string, string>? Ca { get; set; }
}
