using AdmissionGuard.Cluster;
using AdmissionGuard.Configuration;
using AdmissionGuard.Core.Admission;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Core.Healing;
using AdmissionGuard.Reconciler;
using k8s.Exceptions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using YamlDotNet.Core;

namespace AdmissionGuard.Commands;

/// <summary>
/// What <c>scan</c> does: fills the same watch-fed caches as <c>serve</c> (their first list is all it waits for),
/// stops them, and renders <see cref="ScanReportBuilder"/>'s report. Nothing here lists on its own.
/// </summary>
internal static class ClusterScan
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <param name="args">Configuration as <c>--Section:Key=value</c>.</param>
    /// <returns><see cref="ScanReportRenderer.Clean"/>, <see cref="ScanReportRenderer.UnmanagedFound"/> or <see cref="ScanAction.Failed"/>.</returns>
    public static async Task<int> RunAsync(string[] args, ScanOutputFormat format, TimeSpan timeout, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var host = CreateHost(args);
        foreach (var (old, now) in host.Services.GetRequiredService<LegacySettings>().Used)
        {
            await error.WriteLineAsync($"admissionguard scan: warning: {old} is deprecated and will stop working in the next release: use {now}");
        }

        ClusterCaches? caches = null;
        var started = false;
        try
        {
            SettingsFailures.ThrowIfAny(host.Services);
            await host.StartAsync(deadline.Token);
            started = true;
            caches = host.Services.GetRequiredService<ClusterCaches>();
            await caches.WaitForSyncAsync(deadline.Token);
            var report = ScanReportBuilder.Build(
                host.Services.GetRequiredService<IClusterSnapshot>(),
                HealingPolicy(host.Services),
                host.Services.GetRequiredService<TimeProvider>().GetUtcNow());
            return ScanReportRenderer.Render(report, format, output);
        }
        catch (Exception e) when (SettingsFailures.Of(e) is { } failures)
        {
            await error.WriteLineAsync("admissionguard scan: invalid configuration:");
            foreach (var failure in failures)
            {
                await error.WriteLineAsync($"  {failure}");
            }

            return ScanAction.Failed;
        }
        catch (InvalidOperationException e)
        {
            // A value the configuration binder cannot convert, e.g. --Reconciler:MinPodAge=soon.
            await error.WriteLineAsync($"admissionguard scan: invalid configuration: {e.Message}");
            return ScanAction.Failed;
        }
        catch (Exception e) when (e is KubeConfigException or YamlException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"admissionguard scan: cannot use the kubeconfig: {e.Message}");
            return ScanAction.Failed;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"admissionguard scan: could not read the cluster within {timeout.TotalSeconds:0.###}s; {Unsynced(caches)}");
            return ScanAction.Failed;
        }
        finally
        {
            if (started)
            {
                using var grace = new CancellationTokenSource(StopGrace);
                await host.StopAsync(grace.Token);
            }
        }
    }

    private static IHost CreateHost(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            // appsettings.json ships beside the binary, as for serve.
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The caches log every failed attempt with its stack trace; the one line that matters is printed on failure.
        builder.Logging.ClearProviders();
        builder.Services.AddClusterSettings(builder.Configuration);
        builder.AddClusterCaches();
        return builder.Build();
    }

    /// <summary>The reconciler's view of the settings, so that scan judges pods exactly as the reconciler would.</summary>
    private static HealingPolicy HealingPolicy(IServiceProvider services) =>
        ReconcilerSettings.From(
            services.GetRequiredService<IOptions<ReconcilerOptions>>().Value,
            services.GetRequiredService<AdmissionPolicy>()).Policy;

    private static string Unsynced(ClusterCaches? caches)
    {
        if (caches is null)
        {
            return "the caches did not even start";
        }

        // Usually every cache fails for the same reason (an unreachable server): say it once.
        var waiting = caches.All.Where(cache => !cache.Synced)
            .GroupBy(cache => cache.LastError ?? "no answer yet", StringComparer.Ordinal)
            .Select(group => $"{string.Join(", ", group.Select(cache => cache.Resource))} ({group.Key})")
            .ToList();
        return waiting.Count == 0 ? "every list completed too late" : $"still waiting for the first list of: {string.Join("; ", waiting)}";
    }
}
