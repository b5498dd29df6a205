namespace AdmissionGuard.Certificates;

/// <summary>The CA Secret exists but cannot be used; the message names the Secret, the key and what is wrong.</summary>
internal sealed class CaSecretException : Exception
{
    public CaSecretException()
    {
    }

    public CaSecretException(string message)
        : base(message)
    {
    }

    public CaSecretException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static CaSecretException For(string secret, string problem, Exception? cause = null) =>
        cause is null
            ? new CaSecretException($"CA Secret {secret}: {problem}")
            : new CaSecretException($"CA Secret {secret}: {problem}", cause);
}
