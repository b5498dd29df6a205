using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using AdmissionGuard.Tests.Support;
using AdmissionGuard.Webhook;
using Microsoft.Extensions.DependencyInjection;

namespace AdmissionGuard.Tests.Hosting;

/// <summary>The real server: HTTPS on one free port, plain HTTP on another, certificate rotation over TLS.</summary>
public sealed class KestrelTests
{
    private sealed record Handshake(string Thumbprint, SslProtocols Protocol);

    /// <summary>Posts over TLS, trusting only the certificate with <paramref name="trustedThumbprint"/> (what the test wrote).</summary>
    private static async Task<(HttpStatusCode Status, Handshake Handshake)> PostOverTlsAsync(Uri address, string body, string trustedThumbprint)
    {
        Handshake? handshake = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (sender, certificate, _, _) =>
                {
                    handshake = new Handshake(certificate!.GetCertHashString(), ((SslStream)sender).SslProtocol);
                    return handshake.Thumbprint == trustedThumbprint;
                },
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = address };
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/mutate-pods?timeout=10s", content, TestContext.Current.CancellationToken);
        return (response.StatusCode, handshake!);
    }

    [Fact]
    public async Task Serves_the_webhook_over_tls_12_or_newer_and_health_over_plain_http_on_free_ports()
    {
        await using var guard = await GuardTestHost.StartAsync(kestrel: true);
        var addresses = guard.App.GetGuardAddresses();

        addresses.WebhookPort.Should().BePositive().And.NotBe(addresses.HealthPort);
        var (status, handshake) = await PostOverTlsAsync(addresses.Webhook, AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode()), guard.CertificateThumbprint());
        status.Should().Be(HttpStatusCode.OK);
        handshake.Protocol.Should().BeOneOf(SslProtocols.Tls12, SslProtocols.Tls13);
        using var http = new HttpClient { BaseAddress = addresses.Health };
        using var ready = await http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Metrics_leave_out_the_dotnet_meters_recorded_on_every_request_and_keep_those_of_connections()
    {
        await using var guard = await GuardTestHost.StartAsync(kestrel: true);
        var addresses = guard.App.GetGuardAddresses();
        using var http = new HttpClient { BaseAddress = addresses.Health };
        // prometheus-net starts listening to the .NET meters at the first scrape, as Prometheus's would be in a cluster.
        _ = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        var (status, _) = await PostOverTlsAsync(addresses.Webhook, AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode()), guard.CertificateThumbprint());
        status.Should().Be(HttpStatusCode.OK);
        (await http.GetAsync("/readyz", TestContext.Current.CancellationToken)).Dispose();

        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

        metrics.Should().Contain("\nmicrosoft_aspnetcore_server_kestrel_kestrel_active_connections")
            .And.Contain("\nmicrosoft_aspnetcore_server_kestrel_kestrel_tls_handshake_duration_bucket")
            .And.Contain("\nsystem_net_http_http_client_request_duration_bucket", "outbound calls, the API server's in production, stay")
            .And.Contain("\nadmissionguard_admission_duration_seconds_bucket");
        metrics.Should().NotContain("microsoft_aspnetcore_hosting_", "admissionguard_admission_duration_seconds times every review")
            .And.NotContain("microsoft_aspnetcore_routing_")
            .And.NotContain("microsoft_aspnetcore_memorypool_");
    }

    [Fact]
    public async Task A_rotated_certificate_is_served_on_the_next_handshake_without_restart()
    {
        await using var guard = await GuardTestHost.StartAsync(kestrel: true);
        var webhook = guard.App.GetGuardAddresses().Webhook;
        var review = AdmissionReviews.PodCreate(PodFixtures.EbsCsiNode());
        var (_, before) = await PostOverTlsAsync(webhook, review, guard.CertificateThumbprint());

        var rotated = TestCertificates.WriteNew(guard.CertFile, guard.KeyFile);
        guard.App.Services.GetRequiredService<PemFileCertificateSource>().Reload();
        var (status, after) = await PostOverTlsAsync(webhook, review, rotated);

        status.Should().Be(HttpStatusCode.OK);
        after.Thumbprint.Should().Be(rotated).And.NotBe(before.Thumbprint);
    }
}
