using System.Net;
using System.Threading.RateLimiting;
using AdmissionGuard.Configuration;
using AdmissionGuard.Hosting;
using AdmissionGuard.Metrics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Webhook;

internal static class AdmissionWebhookExtensions
{
    public const string MutatePath = "/mutate-pods";
    public const string ValidatePath = "/validate-pods";

    private const string RequestLimit = "webhook-requests";

    /// <summary>Reviews with a declared body up to this size are "small": at most <see cref="MaxSmallRequests"/> x 64 KiB in memory.</summary>
    private const long SmallBodyBytes = 64 * 1024;

    private const int MaxSmallRequests = 512;

    /// <summary>
    /// The webhook's services: decision handler, metrics, the PEM certificate source and its readiness check,
    /// and Kestrel on <c>Webhook:Port</c> (HTTPS, <see cref="TlsProfile"/>) and <c>Webhook:MetricsAddress</c>:<c>Webhook:MetricsPort</c>
    /// (HTTP). The webhook's memory is bounded here, in one place: at most <c>Webhook:MaxConnections</c> connections,
    /// <c>Webhook:MaxConcurrentRequests</c> requests read at once (bodies of at most 3 MiB), <c>Webhook:RequestQueueLimit</c>
    /// waiting, the rest answered 429 (the application must call <c>UseRateLimiter</c> after <c>UseRouting</c>).
    /// Expects an <see cref="Core.Cluster.IClusterSnapshot"/> singleton from the cluster caches.
    /// </summary>
    public static WebApplicationBuilder AddAdmissionWebhook(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetricsRegistry();
        services.TryAddSingleton(sp => new AdmissionMetrics(sp.GetMetricFactory()));
        services.TryAddSingleton<AdmissionWebhookHandler>();
        services.TryAddSingleton<AdmissionLogSummary>();
        services.AddHostedService(sp => sp.GetRequiredService<AdmissionLogSummary>());
        services.TryAddSingleton<PemFileCertificateSource>();
        services.TryAddSingleton<ICertificateSource>(sp => sp.GetRequiredService<PemFileCertificateSource>());
        services.AddHostedService(sp => sp.GetRequiredService<PemFileCertificateSource>());
        services.AddHealthChecks().AddCheck<CertificateHealthCheck>(CertificateHealthCheck.Name, tags: [HealthEndpointExtensions.ReadyTag]);
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<WebhookOptions>, ICertificateSource>(ConfigureKestrel);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<WebhookOptions>>(ConfigureRequestLimit);
        return builder;
    }

    public static IEndpointRouteBuilder MapAdmissionWebhook(this IEndpointRouteBuilder endpoints)
    {
        // Plain request delegates: the handler reads and writes the bodies itself, so no parameter binding is needed.
        // The singleton handler is resolved on the first request, not here, so that bad options fail start-up's
        // validation rather than mapping; and from the root services, as the request's would open a scope per request.
        var handler = new Lazy<AdmissionWebhookHandler>(endpoints.ServiceProvider.GetRequiredService<AdmissionWebhookHandler>);
        endpoints.MapPost(MutatePath, context => handler.Value.HandleAsync(context, WebhookKind.Mutating)).ServedOn(Listener.Webhook).RequireRateLimiting(RequestLimit);
        endpoints.MapPost(ValidatePath, context => handler.Value.HandleAsync(context, WebhookKind.Validating)).ServedOn(Listener.Webhook).RequireRateLimiting(RequestLimit);
        return endpoints;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, IOptions<WebhookOptions> options, ICertificateSource certificates)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = AdmissionWebhookHandler.MaxBodyBytes;

        // Kestrel buffers up to 1 MiB of unread body per connection by default: a request waiting for its turn would
        // hold that much per open connection. 64 KiB keeps Webhook:MaxConnections idle-ish connections cheap.
        kestrel.Limits.MaxRequestBufferSize = SmallBodyBytes;
        kestrel.ListenAnyIP(options.Value.Port, listen =>
        {
            listen.Use(LimitConnections(options.Value.MaxConnections));
            listen.UseHttps(https =>
            {
                https.SslProtocols = TlsProfile.Protocols;
                https.OnAuthenticate = (_, ssl) =>
                {
                    if (OperatingSystem.IsLinux())
                    {
                        ssl.CipherSuitesPolicy = TlsProfile.Ciphers;
                    }
                };
                // Asked on every handshake, so a rotated certificate is served without a restart.
                https.ServerCertificateSelector = (_, _) => certificates.GetCertificate();
            });
        });
        if (string.IsNullOrEmpty(options.Value.MetricsAddress))
        {
            kestrel.ListenAnyIP(options.Value.MetricsPort);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(options.Value.MetricsAddress), options.Value.MetricsPort);
        }
    }

    /// <summary>Closes a connection beyond <paramref name="max"/> open ones before its TLS handshake costs anything.</summary>
    private static Func<ConnectionDelegate, ConnectionDelegate> LimitConnections(int max)
    {
        var open = 0;
        return next => async connection =>
        {
            if (Interlocked.Increment(ref open) > max)
            {
                Interlocked.Decrement(ref open);
                connection.Abort(new ConnectionAbortedException($"more than Webhook:MaxConnections ({max}) connections"));
                return;
            }

            try
            {
                await next(connection);
            }
            finally
            {
                Interlocked.Decrement(ref open);
            }
        };
    }

    private static void ConfigureRequestLimit(RateLimiterOptions limiter, IOptions<WebhookOptions> options)
    {
        // The API server calls with failurePolicy Ignore: a 429 admits the request unchecked, as a timeout would, but at once.
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = (rejected, cancellationToken) => new ValueTask(rejected.HttpContext.Response.WriteAsync(
            "too many admission requests at once (Webhook:MaxConcurrentRequests, Webhook:RequestQueueLimit)", cancellationToken));
        // Only large bodies are what can exhaust memory. Everyday reviews (a pod is a few KB, a binding less than one) must
        // not queue behind each other: a burst of bindings each waiting up to Admission:CacheWaitTimeout for the cache
        // would otherwise overrun the API server's 3 s timeout and be admitted unchecked.
        // The two partitions are made once: each GetConcurrencyLimiter call allocates, and this runs per request.
        var small = RateLimitPartition.GetConcurrencyLimiter("small", _ => new ConcurrencyLimiterOptions { PermitLimit = MaxSmallRequests });
        var large = RateLimitPartition.GetConcurrencyLimiter("large", _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.MaxConcurrentRequests,
            QueueLimit = options.Value.RequestQueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        limiter.AddPolicy(RequestLimit, context => context.Request.ContentLength is <= SmallBodyBytes ? small : large);
    }
}
