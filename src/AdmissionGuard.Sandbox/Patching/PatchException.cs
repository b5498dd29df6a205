namespace AdmissionGuard.Sandbox.Patching;

/// <summary>A patch that is malformed or does not apply; the API answers 400 or 422 with its message.</summary>
public sealed class PatchException : Exception
{
    public PatchException()
    {
    }

    public PatchException(string message)
        : base(message)
    {
    }

    public PatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
