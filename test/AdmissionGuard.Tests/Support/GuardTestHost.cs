using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AdmissionGuard.Cluster;
using AdmissionGuard.Core.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Tests.Support;

/// <summary>
/// The guard composed exactly as <c>serve</c> composes it (<see cref="GuardApplication"/>), on the in-memory
/// test server, with a fixed cluster snapshot and a fresh certificate.
/// </summary>
internal sealed class GuardTestHost : IAsyncDisposable
{
    private readonly TempDirectory _certificates;

    private GuardTestHost(WebApplication app, TempDirectory certificates)
    {
        App = app;
        _certificates = certificates;
    }

    public WebApplication App { get; }

    public string CertFile => _certificates.File("tls.crt");

    public string KeyFile => _certificates.File("tls.key");

    /// <summary>Thumbprint of the certificate currently in <see cref="CertFile"/>.</summary>
    public string CertificateThumbprint()
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(CertFile));
        return certificate.Thumbprint;
    }

    /// <param name="cacheArrival">What the binding check waits on; null = none (the snapshot is fixed).</param>
    /// <param name="settings">Extra configuration as <c>--Section:Key=value</c>.</param>
    public static async Task<GuardTestHost> StartAsync(
        IClusterSnapshot? snapshot = null, bool kestrel = false, ICacheArrival? cacheArrival = null, params string[] settings)
    {
        var certificates = new TempDirectory();
        TestCertificates.WriteNew(certificates.File("tls.crt"), certificates.File("tls.key"));
        var builder = CreateBuilder(certificates, settings);
        if (!kestrel)
        {
            builder.WebHost.UseTestServer();
        }

        builder.Services.AddSingleton(snapshot ?? TestCluster.Snapshot());
        if (cacheArrival is not null)
        {
            builder.Services.AddSingleton(cacheArrival);
        }

        var app = GuardApplication.Build(builder);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new GuardTestHost(app, certificates);
    }

    /// <summary>A builder with certificate files and free ports, for tests that need to change it before Build.</summary>
    public static WebApplicationBuilder CreateBuilder(TempDirectory certificates, params string[] settings)
    {
        var builder = GuardApplication.CreateBuilder(
        [
            $"--Webhook:CertFile={certificates.File("tls.crt")}",
            $"--Webhook:KeyFile={certificates.File("tls.key")}",
            "--Webhook:Port=0",
            "--Webhook:MetricsPort=0",
            .. settings,
        ]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return builder;
    }

    /// <summary>A client for the HTTPS webhook listener.</summary>
    public HttpClient WebhookClient()
    {
        var client = App.GetTestServer().CreateClient();
        client.BaseAddress = new Uri("https://localhost/");
        return client;
    }

    /// <summary>A client for the plain-HTTP health and metrics listener.</summary>
    public HttpClient HealthClient()
    {
        var client = App.GetTestServer().CreateClient();
        client.BaseAddress = new Uri("http://localhost/");
        return client;
    }

    public Task<ReviewResult> MutateAsync(string review) => PostAsync("/mutate-pods", review);

    public Task<ReviewResult> ValidateAsync(string review) => PostAsync("/validate-pods", review);

    public Task<ReviewResult> PostAsync(string path, string body, string? contentType = "application/json") =>
        PostAsync(path, Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>Posts raw bytes, which need not be UTF-8.</summary>
    public async Task<ReviewResult> PostAsync(string path, byte[] body, string? contentType = "application/json")
    {
        using var client = WebhookClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        using var response = await client.PostAsync(path, content, TestContext.Current.CancellationToken);
        return new ReviewResult(response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "",
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        _certificates.Dispose();
    }
}
