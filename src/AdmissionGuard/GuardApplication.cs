using AdmissionGuard.Certificates;
using AdmissionGuard.Cluster;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Hosting;
using AdmissionGuard.Metrics;
using AdmissionGuard.Reconciler;
using AdmissionGuard.Webhook;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AdmissionGuard;

/// <summary>
/// The composition root, public so that commands, tests and the sandbox can run the guard in-process:
/// <code>
/// var builder = GuardApplication.CreateBuilder(["--Webhook:Port=0", "--Webhook:MetricsPort=0", ...]);
/// builder.AddClusterCaches();            // or builder.Services.AddSingleton&lt;IClusterSnapshot&gt;(fake)
/// await using var app = GuardApplication.Build(builder);
/// await app.StartAsync();
/// var addresses = app.GetGuardAddresses();
/// </code>
/// </summary>
internal static class GuardApplication
{
    /// <summary>
    /// A builder with configuration (appsettings.json, environment <c>Section__Key</c>, <paramref name="args"/>
    /// as <c>--Section:Key=value</c>), validated options and the admission webhook. The cluster snapshot is
    /// not included: the caller adds the cluster caches or a fake.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        DefaultRegistry.Configure();

        // The slim builder: the guard listens on its own Kestrel endpoints (configured in code), so IIS integration,
        // HTTP/3 (QUIC), host filtering, regex route constraints and the Debug and EventSource log providers would
        // only be loaded, JIT-compiled and kept resident (docs/performance.md, "Scale").
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json ships beside the binary; the working directory is wherever the user is.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddGuardSettings(builder.Configuration);
        builder.AddAdmissionWebhook();
        return builder;
    }

    /// <summary>
    /// The whole guard as <c>serve</c> runs it: the webhook, the cluster caches and the reconciler.
    /// <paramref name="customize"/> runs after <see cref="CreateBuilder"/> and before the caches and the
    /// reconciler are added, so what it registers (a <see cref="TimeProvider"/>, logging) replaces their defaults.
    /// </summary>
    public static WebApplication BuildGuard(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = CreateBuilder(args);
        customize?.Invoke(builder);
        builder.AddClusterCaches();
        builder.Services.AddCacheMetrics();
        builder.AddSelfManagedCertificates();
        builder.AddReconciler();
        return Build(builder);
    }

    /// <summary>
    /// Builds the application and maps every endpoint. Without the cluster caches' <see cref="ICacheArrival"/>, the
    /// binding check looks the pod up in the snapshot without waiting (<see cref="FixedSnapshotArrival"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="IClusterSnapshot"/> is registered.</exception>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Services.Any(d => d.ServiceType == typeof(IClusterSnapshot)))
        {
            throw new InvalidOperationException(
                "no cluster snapshot is registered: add the cluster caches (builder.AddClusterCaches()) or an IClusterSnapshot before Build");
        }

        // A snapshot registered without the caches is fixed: the binding check has no pod arrival to wait for.
        builder.Services.TryAddSingleton<ICacheArrival, FixedSnapshotArrival>();
        var app = builder.Build();
        app.UseRouting();
        app.UseListenerSeparation();
        app.MapHealthAndMetrics();
        app.MapAdmissionWebhook();
        return app;
    }

    /// <summary>The addresses Kestrel bound (useful with port 0). Call after the application has started.</summary>
    /// <exception cref="InvalidOperationException">The server is not Kestrel or has not started.</exception>
    public static GuardAddresses GetGuardAddresses(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)))
            .ToList() ?? [];
        var webhook = addresses.FirstOrDefault(a => a.Scheme == Uri.UriSchemeHttps);
        var health = addresses.FirstOrDefault(a => a.Scheme == Uri.UriSchemeHttp);
        return webhook is not null && health is not null
            ? new GuardAddresses(webhook, health)
            : throw new InvalidOperationException("the guard's listeners are not bound yet: call GetGuardAddresses after StartAsync");
    }
}
