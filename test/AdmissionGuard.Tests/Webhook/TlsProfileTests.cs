using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AdmissionGuard.Tests.Support;

namespace AdmissionGuard.Tests.Webhook;

/// <summary>The real Kestrel listener, handshaking with clients that offer what scanners offer.</summary>
[SupportedOSPlatform("linux")]
public sealed class TlsProfileTests
{
    private static async Task<SslStream> HandshakeAsync(GuardTestHost guard, SslProtocols protocols, CipherSuitesPolicy? ciphers)
    {
        var webhook = guard.App.GetGuardAddresses().Webhook;
        var thumbprint = guard.CertificateThumbprint();
        var tcp = new TcpClient();
        await tcp.ConnectAsync(webhook.Host, webhook.Port, TestContext.Current.CancellationToken);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            CipherSuitesPolicy = ciphers,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 served && served.Thumbprint == thumbprint,
        }, TestContext.Current.CancellationToken);
        return ssl;
    }

    [Fact]
    public async Task Tls13_is_negotiated_when_the_client_offers_it()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "cipher suites are chosen through OpenSSL");
        await using var guard = await GuardTestHost.StartAsync(kestrel: true);

        await using var ssl = await HandshakeAsync(guard, SslProtocols.Tls12 | SslProtocols.Tls13, ciphers: null);

        ssl.SslProtocol.Should().Be(SslProtocols.Tls13);
    }

    [Fact]
    public async Task Tls12_negotiates_an_ecdhe_aead_suite()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "cipher suites are chosen through OpenSSL");
        await using var guard = await GuardTestHost.StartAsync(kestrel: true);

        await using var ssl = await HandshakeAsync(guard, SslProtocols.Tls12, ciphers: null);

        ssl.SslProtocol.Should().Be(SslProtocols.Tls12);
        ssl.NegotiatedCipherSuite.ToString().Should().StartWith("TLS_ECDHE_").And.Match(s => s.Contains("_GCM_") || s.Contains("CHACHA20"));
    }

    [Fact]
    public async Task A_client_offering_only_cbc_suites_is_refused()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "cipher suites are chosen through OpenSSL");
        await using var guard = await GuardTestHost.StartAsync(kestrel: true);
        var cbcOnly = new CipherSuitesPolicy(
        [
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        ]);

        var handshake = () => HandshakeAsync(guard, SslProtocols.Tls12, cbcOnly);

        (await handshake.Should().ThrowAsync<Exception>()).Which.Should().Match<Exception>(e => e is AuthenticationException || e is IOException);
    }

    [Fact]
    public async Task Health_and_metrics_bind_the_configured_address()
    {
        await using var guard = await GuardTestHost.StartAsync(kestrel: true, settings: "--Webhook:MetricsAddress=127.0.0.1");

        var health = guard.App.GetGuardAddresses().Health;

        IPAddress.Parse(health.Host).Should().Be(IPAddress.Loopback);
    }
}
