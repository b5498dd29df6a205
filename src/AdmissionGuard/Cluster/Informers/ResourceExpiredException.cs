namespace AdmissionGuard.Cluster.Informers;

/// <summary>The resourceVersion (or continue token) is too old for the API server: relist.</summary>
internal sealed class ResourceExpiredException : Exception
{
    public ResourceExpiredException()
    {
    }

    public ResourceExpiredException(string message)
        : base(message)
    {
    }

    public ResourceExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
