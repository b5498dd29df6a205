using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using AdmissionGuard.Cluster.Informers;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Certificates;
using AdmissionGuard.Webhook;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Certificates;

/// <summary>
/// Self-managed certificates (<c>Webhook:SelfManagedCertificates</c>), run by every replica. Each pass: get or
/// create the CA Secret and rotate its CA when it is due, make the webhooks' caBundle trust the CA bundle, and issue
/// this replica's serving certificate when none is served, it comes from another CA, its names are not the
/// Service's or it is due for renewal. The certificate goes through <see cref="PemFileCertificateSource"/>, the
/// one place the served certificate lives in either mode, so Kestrel and <c>/readyz</c> need nothing else.
/// The bundle is patched before a certificate from its CA is served, so the API server trusts it by then.
/// </summary>
internal sealed class SelfManagedCertificateIssuer : BackgroundService
{
    /// <summary>Time between passes: how soon a rotation by another replica or an overwritten caBundle is noticed.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);

    private static readonly InformerTiming RetryTiming = new() { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = RecheckInterval };

    private readonly PemFileCertificateSource _files;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CaSecretStore _secret;
    private readonly WebhookCaBundles _bundles;
    private readonly IReadOnlyList<string> _dnsNames;
    private readonly string _certFile;

    public SelfManagedCertificateIssuer(
        IOptions<WebhookOptions> options,
        IKubernetes client,
        PemFileCertificateSource files,
        TimeProvider time,
        ILogger<SelfManagedCertificateIssuer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _files = files;
        _time = time;
        _logger = logger;
        _secret = new CaSecretStore(client, settings.Namespace, settings.CaSecretName, time, logger);
        _bundles = new WebhookCaBundles(client, logger);
        _dnsNames = ServiceDnsNames.For(settings.ServiceName, settings.Namespace);
        _certFile = settings.CertFile;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        CertificateLog.Starting(_logger, _secret.Describe, string.Join(", ", _dnsNames), _certFile);
        var backoff = new ExponentialBackoff(RetryTiming);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await SyncAsync(stoppingToken);
                backoff.Reset();
                wait = RecheckInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (CaSecretException e)
            {
                wait = backoff.Next();
                CertificateLog.CaSecretUnusable(_logger, e.Message, wait);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException or IOException
                or UnauthorizedAccessException or CryptographicException)
            {
                wait = backoff.Next();
                CertificateLog.SyncFailed(_logger, e, Describe(e), wait);
            }

            try
            {
                await Task.Delay(wait, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over the CA Secret, the caBundle and the serving certificate.</summary>
    internal async Task SyncAsync(CancellationToken cancellationToken)
    {
        var content = await _secret.GetOrCreateAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (CertificateRenewal.IsRenewalDue(now, content.Authority.NotBefore, content.Authority.NotAfter))
            {
                var rotated = await _secret.RotateAsync(content, cancellationToken);
                content.Dispose();
                content = rotated;
            }

            await _bundles.EnsureAsync(content.TrustBundle(now), cancellationToken);
            var verdict = CertificateRenewal.Check(Facts(_files.GetCertificate(), content.Authority), _dnsNames, now);
            if (verdict != ServingCertificateVerdict.Keep)
            {
                var issued = content.Authority.Issue(_dnsNames, now);
                _files.Publish(issued.CertificatePem, issued.KeyPem);
                CertificateLog.ServingCertificateIssued(_logger, issued.Subject, issued.NotAfter, verdict.ToString(), _certFile);
            }
        }
        finally
        {
            content.Dispose();
        }
    }

    private static ServingCertificateFacts? Facts(X509Certificate2? served, CertificateAuthority authority)
    {
        if (served is null)
        {
            return null;
        }

        var (notBefore, notAfter) = CertificateAuthority.Validity(served);
        var names = served.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
        return new ServingCertificateFacts(notBefore, notAfter, names, authority.IsIssuerOf(served));
    }

    /// <summary>The API server's own reason (its Status message) rather than the client's generic one.</summary>
    private static string Describe(Exception e)
    {
        if (e is not HttpOperationException { Response: { } response })
        {
            return e.Message;
        }

        try
        {
            var status = KubernetesJson.Deserialize<V1Status>(response.Content ?? "");
            return $"{(int)response.StatusCode} {response.StatusCode}: {status?.Message ?? response.Content}";
        }
        catch (JsonException)
        {
            return $"{(int)response.StatusCode} {response.StatusCode}: {response.Content}";
        }
    }
}
