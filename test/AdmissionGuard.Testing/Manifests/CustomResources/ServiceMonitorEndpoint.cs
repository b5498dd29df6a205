namespace AdmissionGuard.Tests.Manifests.CustomResources;

internal sealed class ServiceMonitorEndpoint
{
    public string? Port { get; set; }

    public string? Path { get; set; }

    public string? Scheme { get; set; }
}
