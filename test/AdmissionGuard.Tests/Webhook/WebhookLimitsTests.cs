using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Webhook;

/// <summary>Webhook:MaxConcurrentRequests, Webhook:RequestQueueLimit and Webhook:MaxConnections on real Kestrel.</summary>
public sealed class WebhookLimitsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient Client(GuardTestHost guard)
    {
        var thumbprint = guard.CertificateThumbprint();
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 served && served.Thumbprint == thumbprint,
            },
        })
        {
            BaseAddress = guard.App.GetGuardAddresses().Webhook,
        };
    }

    [Fact]
    public async Task A_request_beyond_the_concurrency_and_the_queue_is_answered_429_while_one_is_in_flight()
    {
        await using var guard = await GuardTestHost.StartAsync(null, kestrel: true, null, "--Webhook:MaxConcurrentRequests=1", "--Webhook:RequestQueueLimit=0");
        using var client = Client(guard);

        // Holds the only permit: its body never completes.
        var unfinished = new UnfinishedContent();
        var held = client.PostAsync("/mutate-pods", unfinished, Ct);
        await unfinished.Started.WaitAsync(Patience, Ct);

        var deadline = DateTime.UtcNow + Patience;
        HttpResponseMessage second;
        do
        {
            second = await client.PostAsync("/mutate-pods", new StringContent(AdmissionReviews.PodCreate(PodFixtures.Web()), Encoding.UTF8, "application/json"), Ct);
        }
        while (second.StatusCode != HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);

        second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await second.Content.ReadAsStringAsync(Ct)).Should().Contain("Webhook:MaxConcurrentRequests");
        unfinished.Finish();
        (await held).StatusCode.Should().Be(HttpStatusCode.BadRequest, "the held request's body was not a review");
    }

    [Fact]
    public async Task A_connection_beyond_the_limit_is_closed_while_the_health_listener_still_answers()
    {
        await using var guard = await GuardTestHost.StartAsync(null, kestrel: true, null, "--Webhook:MaxConnections=1");
        var addresses = guard.App.GetGuardAddresses();
        using var first = new TcpClient();
        await first.ConnectAsync(addresses.Webhook.Host, addresses.Webhook.Port, Ct);

        var deadline = DateTime.UtcNow + Patience;
        Exception? refused = null;
        while (refused is null && DateTime.UtcNow < deadline)
        {
            using var client = Client(guard);
            try
            {
                using var _ = await client.GetAsync("/healthz", Ct);
            }
            catch (HttpRequestException e)
            {
                refused = e;
            }
        }

        refused.Should().NotBeNull("the second connection to the webhook port is over Webhook:MaxConnections=1");
        using var health = new HttpClient { BaseAddress = addresses.Health };
        (await health.GetAsync("/healthz", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
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
