namespace AdmissionGuard.Cluster.Informers;

/// <summary>The API server does not serve the resource (404), e.g. the CiliumEndpoint CRD is not installed.</summary>
internal sealed class ResourceNotServedException : Exception
{
    public ResourceNotServedException()
    {
    }

    public ResourceNotServedException(string message)
        : base(message)
    {
    }

    public ResourceNotServedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
