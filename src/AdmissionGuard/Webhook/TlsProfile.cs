using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Authentication;

namespace AdmissionGuard.Webhook;

/// <summary>
/// Mozilla's "intermediate" server profile (https://wiki.mozilla.org/Security/Server_Side_TLS), restricted to ECDHE
/// key exchange: TLS 1.3, and TLS 1.2 with AEAD suites only (AES-GCM, ChaCha20-Poly1305; no CBC, no RSA key
/// exchange). OpenSSL picks the highest version both ends speak, so TLS 1.3 is preferred.
/// </summary>
internal static class TlsProfile
{
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>Only Linux (OpenSSL) lets a server choose its suites; elsewhere the platform's defaults apply.</summary>
    [SupportedOSPlatform("linux")]
    public static CipherSuitesPolicy Ciphers { get; } = new(
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]);
}
