namespace AdmissionGuard.Sandbox.Store;

/// <summary>A watcher fell too far behind and was cut off, as kube-apiserver drops slow watchers.</summary>
public sealed class WatchOverflowException : Exception
{
    public WatchOverflowException()
    {
    }

    public WatchOverflowException(string message)
        : base(message)
    {
    }

    public WatchOverflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal WatchOverflowException(ResourceType type, int capacity)
        : base($"watch of {type} fell more than {capacity} events behind and was closed")
    {
    }
}
