using System.Net;
using AdmissionGuard.Configuration;
using AdmissionGuard.Hosting;
using AdmissionGuard.Metrics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Webhook;

internal static class AdmissionWebhookExtensions
{
    public const string MutatePath = "/mutate-pods";
    public const string ValidatePath = "/validate-pods";

    /// <summary>
    /// The webhook's services: decision handler, metrics, the PEM certificate source and its readiness check,
    /// and Kestrel on <c>Webhook:Port</c> (HTTPS, <see cref="TlsProfile"/>) and <c>Webhook:MetricsAddress</c>:<c>Webhook:MetricsPort</c>
    /// (HTTP). The webhook's memory is bounded here, in one place: at most <c>Webhook:MaxConnections</c> connections,
    /// <c>Webhook:MaxConcurrentRequests</c> requests read at once (bodies of at most 3 MiB), <c>Webhook:RequestQueueLimit</c>
    /// waiting, the rest answered 429 (<see cref="AdmissionRequestLimit"/>).
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
        services.TryAddSingleton<AdmissionRequestLimit>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAdmissionWebhook(this IEndpointRouteBuilder endpoints)
    {
        // Plain request delegates: the handler reads and writes the bodies itself, so no parameter binding is needed.
        // The singleton handler is resolved on the first request, not here, so that bad options fail start-up's
        // validation rather than mapping; and from the root services, as the request's would open a scope per request.
        var handler = new Lazy<AdmissionWebhookHandler>(endpoints.ServiceProvider.GetRequiredService<AdmissionWebhookHandler>);
        var limit = new Lazy<AdmissionRequestLimit>(endpoints.ServiceProvider.GetRequiredService<AdmissionRequestLimit>);
        Func<HttpContext, Task> mutate = context => handler.Value.HandleAsync(context, WebhookKind.Mutating);
        Func<HttpContext, Task> validate = context => handler.Value.HandleAsync(context, WebhookKind.Validating);
        endpoints.MapPost(MutatePath, context => limit.Value.RunAsync(context, mutate)).ServedOn(Listener.Webhook);
        endpoints.MapPost(ValidatePath, context => limit.Value.RunAsync(context, validate)).ServedOn(Listener.Webhook);
        return endpoints;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, IOptions<WebhookOptions> options, ICertificateSource certificates)
    {
        // Kestrel is configured while the host is built, before the settings are validated at once
        // (SettingsFailures.ThrowIfAny, or the host's own start-up validation): an invalid Webhook section leaves Kestrel
        // without endpoints here and is reported there, with every other section's failures, before anything listens.
        WebhookOptions webhook;
        try
        {
            webhook = options.Value;
        }
        catch (OptionsValidationException)
        {
            return;
        }

        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = AdmissionWebhookHandler.MaxBodyBytes;

        // Kestrel buffers up to 1 MiB of unread body per connection by default: a request waiting for its turn would
        // hold that much per open connection. 64 KiB keeps Webhook:MaxConnections idle-ish connections cheap.
        kestrel.Limits.MaxRequestBufferSize = AdmissionRequestLimit.SmallBodyBytes;
        kestrel.ListenAnyIP(webhook.Port, listen =>
        {
            listen.Use(LimitConnections(webhook.MaxConnections));
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
        if (string.IsNullOrEmpty(webhook.MetricsAddress))
        {
            kestrel.ListenAnyIP(webhook.MetricsPort);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(webhook.MetricsAddress), webhook.MetricsPort);
        }
    }

    /// <summary>Closes a connection beyond <paramref name="max"/> open ones before its TLS handshake costs anything.</summary>
    private static Func<ConnectionDelegate, ConnectionDelegate> LimitConnections(int max)
    {
        var open = new ConcurrencyCap(max);
        return next => async connection =>
        {
            if (!open.TryEnter())
            {
                connection.Abort(new ConnectionAbortedException($"more than Webhook:MaxConnections ({max}) connections"));
                return;
            }

            try
            {
                await next(connection);
            }
            finally
            {
                open.Exit();
            }
        };
    }
}
