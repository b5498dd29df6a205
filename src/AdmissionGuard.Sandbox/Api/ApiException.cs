using k8s.Models;

namespace AdmissionGuard.Sandbox.Api;

/// <summary>
/// A request the API server refuses. Carries the <see cref="V1Status"/> the HTTP layer returns as is, so
/// in-process callers and HTTP clients see the same code, reason and message.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException()
        : this(ApiErrors.Internal("unknown error"))
    {
    }

    public ApiException(string message)
        : this(ApiErrors.Internal(message))
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = ApiErrors.Internal(message);
    }

    public ApiException(V1Status status)
        : base(status?.Message)
    {
        ArgumentNullException.ThrowIfNull(status);
        Status = status;
    }

    public V1Status Status { get; }

    public int Code => Status.Code ?? 500;

    public string Reason => Status.Reason ?? "";
}
