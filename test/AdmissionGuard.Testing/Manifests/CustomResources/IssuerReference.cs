namespace AdmissionGuard.Tests.Manifests.CustomResources;

internal sealed class IssuerReference
{
    public string? Kind { get; set; }

    public string? Name { get; set; }
}
