using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AdmissionGuard.Certificates;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Sandbox;
using AdmissionGuard.Tests.Support;
using AdmissionGuard.Webhook;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AdmissionGuard.Tests.Certificates;

/// <summary>
/// One guard replica with self-managed certificates against a sandbox API server, composed as <c>serve</c> composes
/// it (with a fixed cluster snapshot instead of the caches), listening on real ports, on a fake clock.
/// </summary>
internal sealed class SelfManagedGuard : IAsyncDisposable
{
    public const string Namespace = "admissionguard-system";
    public const string SecretName = "admissionguard-webhook-ca";
    public const string ServiceHost = "admissionguard-webhook.admissionguard-system.svc";

    private readonly TempDirectory _directory;

    private SelfManagedGuard(WebApplication app, TempDirectory directory, CapturedLogs logs)
    {
        App = app;
        _directory = directory;
        Logs = logs;
    }

    public WebApplication App { get; }

    public CapturedLogs Logs { get; }

    public string CertFile => _directory.File("tls.crt");

    /// <summary>The certificate the webhook serves now, or null.</summary>
    public X509Certificate2? Served => App.Services.GetRequiredService<ICertificateSource>().GetCertificate();

    public SelfManagedCertificateIssuer Issuer => App.Services.GetServices<IHostedService>().OfType<SelfManagedCertificateIssuer>().Single();

    /// <summary>The namespace and the webhook configurations of config/webhook, as <c>kubectl apply -k</c> would create them.</summary>
    public static async Task InstallAsync(SandboxServer sandbox)
    {
        var token = TestContext.Current.CancellationToken;
        await sandbox.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: token);
        var manifests = KubernetesYaml.LoadAllFromString(await File.ReadAllTextAsync(RepositoryRoot.Combine("config", "webhook", "manifests.yaml"), token));
        await sandbox.Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(manifests.OfType<V1MutatingWebhookConfiguration>().Single(), cancellationToken: token);
        await sandbox.Client.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(manifests.OfType<V1ValidatingWebhookConfiguration>().Single(), cancellationToken: token);
    }

    /// <param name="client">The replica's API client; by default one on the sandbox's kubeconfig.</param>
    public static async Task<SelfManagedGuard> StartAsync(SandboxServer sandbox, FakeTimeProvider clock, IKubernetes? client = null)
    {
        var directory = new TempDirectory();
        var logs = new CapturedLogs();
        var builder = GuardApplication.CreateBuilder(
        [
            $"--Webhook:CertFile={directory.File("tls.crt")}",
            $"--Webhook:KeyFile={directory.File("tls.key")}",
            "--Webhook:Port=0",
            "--Webhook:MetricsPort=0",
            "--Webhook:SelfManagedCertificates=true",
            $"--Webhook:Namespace={Namespace}",
        ]);
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(client ?? new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(sandbox.KubeconfigPath)));
        builder.Services.AddSingleton<IClusterSnapshot>(TestCluster.Snapshot());
        builder.AddSelfManagedCertificates();
        var app = GuardApplication.Build(builder);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new SelfManagedGuard(app, directory, logs);
    }

    public async Task<HttpStatusCode> ReadyzAsync()
    {
        using var client = new HttpClient { BaseAddress = App.GetGuardAddresses().Health };
        using var response = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    /// <summary>
    /// A TLS handshake with the webhook port as kube-apiserver makes it: the host name of the Service reference,
    /// the certificate verified against <paramref name="caBundle"/> only.
    /// </summary>
    /// <returns>The certificate the server presented, or null when it was not trusted.</returns>
    public async Task<X509Certificate2?> HandshakeAsync(byte[] caBundle)
    {
        var token = TestContext.Current.CancellationToken;
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(Encoding.ASCII.GetString(caBundle));
        X509Certificate2? presented = null;
        var trusted = false;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, App.GetGuardAddresses().Webhook.Port, token);
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = ServiceHost,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                    {
                        return false;
                    }

                    presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    trusted = chain.Build(presented);
                    return trusted;
                },
            }, token);
        }
        catch (AuthenticationException)
        {
            return null;
        }

        return trusted ? presented : null;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        _directory.Dispose();
    }
}
