using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AdmissionGuard.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AdmissionGuard.Tests.Webhook;

/// <summary>Webhook:MaxConcurrentRequests, Webhook:RequestQueueLimit and Webhook:MaxConnections on real Kestrel.</summary>
public sealed class WebhookLimitsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient Client(Uri webhook, string certFile)
    {
        var thumbprint = Thumbprint(certFile);
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 served && served.Thumbprint == thumbprint,
            },
        })
        {
            BaseAddress = webhook,
        };
    }

    [Fact]
    public async Task A_large_request_beyond_the_concurrency_and_the_queue_is_answered_429_while_ordinary_ones_still_pass()
    {
        using var certificates = new TempDirectory();
        TestCertificates.WriteNew(certificates.File("tls.crt"), certificates.File("tls.key"));
        var builder = GuardTestHost.CreateBuilder(certificates, "--Webhook:MaxConcurrentRequests=1", "--Webhook:RequestQueueLimit=0");
        builder.Services.AddSingleton<AdmissionGuard.Core.Cluster.IClusterSnapshot>(TestCluster.Snapshot());
        // The held request's body stalls on purpose: Kestrel's minimum body data rate would end it after 5 s on a slow machine.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MinRequestBodyDataRate = null);
        await using var app = GuardApplication.Build(builder);
        await app.StartAsync(Ct);
        using var client = Client(app.GetGuardAddresses().Webhook, certificates.File("tls.crt"));

        // A large review (over 64 KiB) needs the held permit; an ordinary one is not counted against it.
        var large = PodFixtures.Web();
        large["metadata"]!["annotations"] = new System.Text.Json.Nodes.JsonObject { ["example.com/blob"] = new string('x', 70_000) };
        var deadline = DateTime.UtcNow + Patience;
        UnfinishedContent? unfinished = null;
        Task<HttpResponseMessage>? held = null;
        HttpResponseMessage second;
        do
        {
            // Holds the only permit: its body never completes. Until the server has taken its headers, a large review
            // may take the permit first and the held request is the one answered 429 (seen on a loaded machine): then
            // nothing holds the permit any more, so hold it again.
            if (held is null || held.IsCompleted)
            {
                unfinished = new UnfinishedContent();
                held = client.PostAsync("/mutate-pods", unfinished, Ct);
                await unfinished.Started.WaitAsync(Patience, Ct);
            }

            second = await client.PostAsync("/mutate-pods", new StringContent(AdmissionReviews.PodCreate(large), Encoding.UTF8, "application/json"), Ct);
        }
        while (second.StatusCode != HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);

        second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await second.Content.ReadAsStringAsync(Ct)).Should().Contain("Webhook:MaxConcurrentRequests");
        var ordinary = await client.PostAsync("/mutate-pods", new StringContent(AdmissionReviews.PodCreate(PodFixtures.Web()), Encoding.UTF8, "application/json"), Ct);
        ordinary.StatusCode.Should().Be(HttpStatusCode.OK, "a few-KB review never waits behind large ones");
        unfinished!.Finish();
        (await held!).StatusCode.Should().Be(HttpStatusCode.BadRequest, "the held request's body was not a review");
        await app.StopAsync(Ct);
    }

    [Fact]
    public async Task A_connection_beyond_the_limit_is_closed_while_the_health_listener_still_answers()
    {
        await using var guard = await GuardTestHost.StartAsync(null, kestrel: true, null, "--Webhook:MaxConnections=1");
        var addresses = guard.App.GetGuardAddresses();
        await using var first = await HandshakeAsync(addresses.Webhook, guard.CertFile);

        var second = () => HandshakeAsync(addresses.Webhook, guard.CertFile);

        // The first connection is counted before its handshake, so the second is over Webhook:MaxConnections=1 for sure.
        // How the refusal surfaces (reset, end of stream during the handshake) depends on timing; any failure is the refusal.
        await second.Should().ThrowAsync<Exception>();
        using var health = new HttpClient { BaseAddress = addresses.Health };
        (await health.GetAsync("/healthz", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static async Task<SslStream> HandshakeAsync(Uri webhook, string certFile)
    {
        var thumbprint = Thumbprint(certFile);
        var tcp = new TcpClient();
        await tcp.ConnectAsync(webhook.Host, webhook.Port, Ct);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 served && served.Thumbprint == thumbprint,
        }, Ct);
        return ssl;
    }

    private static string Thumbprint(string certFile)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certFile));
        return certificate.Thumbprint;
    }

    /// <summary>A request body that sends a few bytes, then waits until <see cref="Finish"/>.</summary>
    private sealed class UnfinishedContent : HttpContent
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public void Finish() => _finish.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync("{\"kind\":"u8.ToArray());
            await stream.FlushAsync();
            _started.TrySetResult();
            await _finish.Task;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
