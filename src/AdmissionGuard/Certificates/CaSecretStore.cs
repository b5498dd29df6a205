using System.Net;
using k8s;
using k8s.Autorest;

namespace AdmissionGuard.Certificates;

/// <summary>
/// The CA Secret on the API server, shared by every replica. Creating and rotating it are races between replicas
/// that the API server decides: a create fails with 409 AlreadyExists and an update of a stale resourceVersion with
/// 409 Conflict, and the loser reads and uses what the winner wrote.
/// </summary>
internal sealed class CaSecretStore(IKubernetes client, string @namespace, string name, TimeProvider time, ILogger logger)
{
    /// <summary>Common name of the CAs this store creates (their creation time is appended).</summary>
    public const string AuthorityName = "admissionguard-webhook-ca";

    public string Describe => $"{@namespace}/{name}";

    /// <summary>Reads the CA Secret, creating it with a new CA when there is none.</summary>
    /// <exception cref="CaSecretException">The Secret exists but is unusable.</exception>
    /// <exception cref="HttpOperationException">The API server refused (e.g. 403 without the RBAC of config/self-managed).</exception>
    public async Task<CaSecretContent> GetOrCreateAsync(CancellationToken cancellationToken)
    {
        if (await TryReadAsync(cancellationToken) is { } existing)
        {
            return existing;
        }

        using var created = CaSecretContent.NewAuthority(AuthorityName, time.GetUtcNow(), replacing: null);
        try
        {
            var stored = await client.CoreV1.CreateNamespacedSecretAsync(created.ToSecret(name, @namespace, time.GetUtcNow()), @namespace, cancellationToken: cancellationToken);
            CertificateLog.AuthorityCreated(logger, created.Authority.Certificate.Subject, created.Authority.NotAfter, Describe);
            return CaSecretContent.Parse(stored);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            CertificateLog.AuthorityCreatedElsewhere(logger, Describe);
            return await TryReadAsync(cancellationToken)
                ?? throw CaSecretException.For(Describe, "another replica created it and it was deleted again before it could be read; retrying");
        }
    }

    /// <summary>Replaces the CA with a new one; the old one stays trusted. When another replica rotated first, uses its CA.</summary>
    public async Task<CaSecretContent> RotateAsync(CaSecretContent current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        var now = time.GetUtcNow();
        using var rotated = CaSecretContent.NewAuthority(AuthorityName, now, current);
        try
        {
            var stored = await client.CoreV1.ReplaceNamespacedSecretAsync(rotated.ToSecret(name, @namespace, now), name, @namespace, cancellationToken: cancellationToken);
            CertificateLog.AuthorityRotated(logger, Describe, rotated.Authority.Certificate.Subject, rotated.Authority.NotAfter, current.Authority.NotAfter);
            return CaSecretContent.Parse(stored);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            CertificateLog.AuthorityRotatedElsewhere(logger, Describe);
            return await TryReadAsync(cancellationToken)
                ?? throw CaSecretException.For(Describe, "it was deleted while the CA was being rotated; retrying");
        }
    }

    private async Task<CaSecretContent?> TryReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return CaSecretContent.Parse(await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
