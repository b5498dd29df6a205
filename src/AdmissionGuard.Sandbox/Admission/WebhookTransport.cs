using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;

namespace AdmissionGuard.Sandbox.Admission;

/// <summary>
/// Calls webhooks as kube-apiserver does: HTTPS POST, HTTP/1.1, the serving certificate verified against the
/// webhook's caBundle (the system roots when it is empty), service references resolved to
/// <c>https://name.namespace.svc:port/path</c> and connected to the address configured for that service.
/// </summary>
internal sealed class WebhookTransport(IReadOnlyDictionary<string, string> serviceEndpoints) : IDisposable
{
    private readonly ConcurrentDictionary<string, SocketsHttpHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>The URL a client config points at; throws <see cref="InvalidOperationException"/> when it has none.</summary>
    public static Uri Target(Admissionregistrationv1WebhookClientConfig config)
    {
        if (!string.IsNullOrEmpty(config.Url))
        {
            return new Uri(config.Url);
        }

        var service = config.Service ?? throw new InvalidOperationException("clientConfig has neither url nor service");
        return new Uri($"https://{service.Name}.{service.NamespaceProperty}.svc:{service.Port ?? 443}{service.Path ?? "/"}");
    }

    /// <summary>POSTs <paramref name="body"/> with kube-apiserver's <c>?timeout=</c> hint and returns the response body.</summary>
    /// <exception cref="HttpRequestException">Connection, TLS or non-2xx failure.</exception>
    /// <exception cref="OperationCanceledException">The timeout expired.</exception>
    public async Task<string> PostAsync(Admissionregistrationv1WebhookClientConfig config, byte[] body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = Target(config);
        var url = new UriBuilder(target) { Query = $"timeout={(int)timeout.TotalSeconds}s" }.Uri;
        using var client = new HttpClient(HandlerFor(config.CaBundle), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        // kube-apiserver's webhook client negotiates HTTP/2 over TLS and multiplexes concurrent calls on one connection;
        // a server that offers only HTTP/1.1 gets that.
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        using var response = await client.SendAsync(request, timeoutSource.Token);
        var text = await response.Content.ReadAsStringAsync(timeoutSource.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the server responded with status {(int)response.StatusCode}: {Truncate(text)}", null, response.StatusCode);
        }

        return text;
    }

    public void Dispose()
    {
        foreach (var handler in _handlers.Values)
        {
            handler.Dispose();
        }
    }

    private SocketsHttpHandler HandlerFor(byte[]? caBundle)
    {
        var key = caBundle is { Length: > 0 } ? Convert.ToHexString(SHA256.HashData(caBundle)) : "";
        return _handlers.GetOrAdd(key, _ => new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = caBundle is { Length: > 0 } ? Verifier(caBundle) : null,
            },
        });
    }

    private static RemoteCertificateValidationCallback Verifier(byte[] caBundle)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(Encoding.ASCII.GetString(caBundle));
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(leaf);
        };
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var host = endpoint.Host;
        if (host.EndsWith(".svc", StringComparison.Ordinal))
        {
            var parts = host.Split('.');
            var key = $"{parts[1]}/{parts[0]}";
            if (!serviceEndpoints.TryGetValue(key, out var mapped))
            {
                throw new HttpRequestException($"no such host {host}: the sandbox maps no address to service {key}");
            }

            var colon = mapped.LastIndexOf(':');
            endpoint = new DnsEndPoint(mapped[..colon], int.Parse(mapped[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Truncate(string text) => text.Length > 200 ? text[..200] + "..." : text;
}
