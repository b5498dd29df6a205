using AdmissionGuard.Sandbox.Store;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox;

/// <summary>How <see cref="SandboxServer.StartAsync"/> sets up the API server.</summary>
public sealed class SandboxOptions
{
    /// <summary>Loopback port for plain HTTP; 0 picks a free one.</summary>
    public int HttpPort { get; init; }

    /// <summary>Loopback port for HTTPS; 0 picks a free one.</summary>
    public int HttpsPort { get; init; }

    /// <summary>Where to write the kubeconfig; null = a file in a temporary directory removed on dispose.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>How often idle watches that allow bookmarks get a BOOKMARK.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Changes kept per resource type for watch resumption; older resourceVersions get 410 Expired.</summary>
    public int WatchHistoryLimit { get; init; } = ObjectStore.DefaultHistoryLimit;

    /// <summary>
    /// Where webhook <c>clientConfig.service</c> references connect: <c>namespace/name</c> to <c>host:port</c>
    /// (e.g. <c>admissionguard-system/admissionguard-webhook</c> to <c>127.0.0.1:9443</c>). TLS still verifies
    /// the certificate against the service DNS name <c>name.namespace.svc</c> and the caBundle.
    /// </summary>
    public IDictionary<string, string> ServiceEndpoints { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory? LoggerFactory { get; init; }
}
