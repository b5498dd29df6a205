using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Benchmarks.Admission;

/// <summary>
/// The guard composed as <c>serve</c> composes it, over a given snapshot, with Kestrel on free loopback ports and a
/// fresh serving certificate, plus one HTTPS client that trusts exactly that certificate.
/// </summary>
internal sealed class WebhookHost : IAsyncDisposable
{
    private readonly TempDirectory _certificates;
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private WebhookHost(TempDirectory certificates, WebApplication app, HttpClient client)
    {
        _certificates = certificates;
        _app = app;
        _client = client;
    }

    /// <param name="snapshot">The cluster admission decides against.</param>
    /// <param name="settings">Extra configuration as <c>--Section:Key=value</c>.</param>
    /// <param name="logLevel">The least level the guard logs to the console.</param>
    public static async Task<WebhookHost> StartAsync(IClusterSnapshot snapshot, string[]? settings = null, LogLevel logLevel = LogLevel.Warning)
    {
        var certificates = new TempDirectory();
        var thumbprint = TestCertificates.WriteNew(certificates.File("tls.crt"), certificates.File("tls.key"));
        var builder = GuardApplication.CreateBuilder(
        [
            $"--Webhook:CertFile={certificates.File("tls.crt")}",
            $"--Webhook:KeyFile={certificates.File("tls.key")}",
            "--Webhook:Port=0",
            "--Webhook:MetricsPort=0",
            .. settings ?? [],
        ]);
        // appsettings.json asks for Information, which would write a summary line a minute.
        builder.Logging.AddFilter(level => level >= logLevel);
        // The command that hosts the guard owns SIGTERM and Ctrl+C: the host must not stop the guard under it.
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        builder.Services.AddSingleton(snapshot);
        var app = GuardApplication.Build(builder);
        await app.StartAsync();
        var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 served && served.Thumbprint == thumbprint },
        })
        {
            BaseAddress = app.GetGuardAddresses().Webhook,
        };
        return new WebhookHost(certificates, app, client);
    }

    /// <summary>An HTTPS client of the webhook listener that trusts exactly the served certificate.</summary>
    public HttpClient Client => _client;

    /// <summary>POSTs a raw AdmissionReview as the apiserver does and reads the whole answer.</summary>
    public async Task<int> PostAsync(string path, byte[] review)
    {
        using var content = new ByteArrayContent(review);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _client.PostAsync(new Uri(path + "?timeout=3s", UriKind.Relative), content);
        await response.Content.ReadAsByteArrayAsync();
        return (int)response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificates.Dispose();
    }

    /// <summary>A host lifetime that leaves the process's signals alone: start and stop are the command's calls.</summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
