using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Store;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox;

/// <summary>How <see cref="SandboxServer.StartAsync"/> sets up the API server.</summary>
public sealed class SandboxOptions
{
    /// <summary>Who a request is when its bearer token is not in <see cref="TokenUsers"/>.</summary>
    public const string AdminUser = "system:admin";

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
    /// the certificate against the service DNS name <c>name.namespace.svc</c> and the caBundle. The initial
    /// map; <see cref="SandboxServer.ServiceEndpoints"/> changes it while the server runs.
    /// </summary>
    public IDictionary<string, string> ServiceEndpoints { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Runs a <see cref="SimulatedCluster"/> (scheduler, kubelets, controllers, Cilium) on the server with these
    /// options, owned by the server (<see cref="SandboxServer.Cluster"/>); null = an API server only. With
    /// <see cref="SimulationOptions.CiliumEndpoints"/> false (Cilium's slim mode) ciliumendpoints are not served.
    /// </summary>
    public SimulationOptions? Simulation { get; init; }

    /// <summary>
    /// Bearer tokens the server tells apart: token to user name, e.g. a token for
    /// <c>system:serviceaccount:admissionguard-system:admissionguard</c> (write a kubeconfig that presents it with
    /// <see cref="SandboxServer.WriteKubeconfigAsync"/>). Every other request, with any other token or none, is
    /// <see cref="AdminUser"/>. Names are only recorded (<see cref="SandboxServer.Requests"/>): nothing is authorized.
    /// </summary>
    public IReadOnlyDictionary<string, string> TokenUsers { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Whether the server serves <paramref name="type"/>: everything but ciliumendpoints in slim mode.</summary>
    internal bool Serves(ResourceType type) => type != ResourceTypes.CiliumEndpoints || Simulation?.CiliumEndpoints != false;
}
