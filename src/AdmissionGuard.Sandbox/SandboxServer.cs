using System.Collections.Concurrent;
using System.Net;
using AdmissionGuard.Sandbox.Admission;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Faults;
using AdmissionGuard.Sandbox.Http;
using AdmissionGuard.Sandbox.Simulation;
using AdmissionGuard.Sandbox.Store;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AdmissionGuard.Sandbox;

/// <summary>
/// The sandbox API server on loopback, HTTP and HTTPS (a CA generated in process), with a kubeconfig for
/// kubectl and KubernetesClient:
/// <code>
/// await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Simulation = new SimulationOptions() });
/// // kubectl --kubeconfig sandbox.KubeconfigPath get pods
/// var pods = await sandbox.Client.CoreV1.ListNamespacedPodAsync("default");
/// await sandbox.Api.CreateAsync(new V1Node { Metadata = new() { Name = "n1" } });   // in process, same rules
/// sandbox.Faults.SetErrorRate("list", 0.5);
/// </code>
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WebhookTransport _transport;
    private readonly SandboxCertificates _certificates;
    private readonly string? _temporaryDirectory;

    private SandboxServer(WebApplication app, ClusterApi api, AdmissionMetrics admissionMetrics, SimulatedCluster? cluster, FaultInjection faults, ApiRequestLog requests, WebhookTransport transport, IDictionary<string, string> serviceEndpoints, SandboxCertificates certificates, Uri httpUrl, Uri httpsUrl, string kubeconfigPath, string? temporaryDirectory)
    {
        Requests = requests;
        AdmissionMetrics = admissionMetrics;
        Cluster = cluster;
        ServiceEndpoints = serviceEndpoints;
        _app = app;
        _transport = transport;
        _certificates = certificates;
        _temporaryDirectory = temporaryDirectory;
        Api = api;
        Faults = faults;
        HttpUrl = httpUrl;
        HttpsUrl = httpsUrl;
        KubeconfigPath = kubeconfigPath;
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath));
    }

    /// <summary>The in-process API (what the simulated cluster's controllers call).</summary>
    public ClusterApi Api { get; }

    /// <summary>What the API server's admission counted (matchCondition evaluation errors).</summary>
    public AdmissionMetrics AdmissionMetrics { get; }

    /// <summary>The simulated cluster running on <see cref="Api"/>, when <see cref="SandboxOptions.Simulation"/> was set.</summary>
    public SimulatedCluster? Cluster { get; }

    /// <summary>
    /// The live map of webhook services to loopback addresses (<see cref="SandboxOptions.ServiceEndpoints"/>):
    /// set or remove entries while the server runs, e.g. once a webhook has bound its port or when it stops.
    /// </summary>
    public IDictionary<string, string> ServiceEndpoints { get; }

    public FaultInjection Faults { get; }

    /// <summary>Every distinct resource request served over HTTP, by user (<see cref="SandboxOptions.TokenUsers"/>).</summary>
    public ApiRequestLog Requests { get; }

    public Uri HttpUrl { get; }

    public Uri HttpsUrl { get; }

    /// <summary>kubeconfig with contexts <c>sandbox</c> (HTTPS, current) and <c>sandbox-http</c>.</summary>
    public string KubeconfigPath { get; }

    /// <summary>A KubernetesClient on the HTTPS endpoint.</summary>
    public Kubernetes Client { get; }

    /// <summary>The CA that signed the serving certificate (what the kubeconfig trusts).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 CaCertificate => _certificates.Authority;

    public string CaCertificatePem => _certificates.AuthorityPem;

    public static async Task<SandboxServer> StartAsync(SandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SandboxOptions();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("AdmissionGuard.Sandbox");
        var serviceEndpoints = new ConcurrentDictionary<string, string>(options.ServiceEndpoints, StringComparer.Ordinal);
        var transport = new WebhookTransport(serviceEndpoints);
        var store = new ObjectStore(options.WatchHistoryLimit);
        var admissionMetrics = new AdmissionMetrics();
        var api = ClusterApi.Create(store, new WebhookAdmission(store, transport, admissionMetrics, logger), options.TimeProvider);
        foreach (var type in ResourceTypes.CustomResources.Where(options.Serves))
        {
            // What installing Cilium leaves behind: kubectl get crd lists it.
            await api.CreateAsync(ResourceTypes.CustomResourceDefinitions, null, CustomResourceDefinitions.For(type), cancellationToken: cancellationToken);
        }
        foreach (var priorityClass in PodDefaults.SystemPriorityClasses)
        {
            // kube-apiserver creates these at start-up: kubectl get priorityclass lists them on every cluster.
            await api.CreateAsync(priorityClass, cancellationToken: cancellationToken);
        }

        var certificates = SandboxCertificates.Create("admissionguard-sandbox", "kubernetes", "kubernetes.default.svc");
        SimulatedCluster? cluster;
        try
        {
            // Built before anything listens: bad simulation options throw without leaving a server behind.
            cluster = options.Simulation is { } simulation ? new SimulatedCluster(api, simulation, loggerFactory, certificates.AuthorityPem) : null;
        }
        catch
        {
            certificates.Dispose();
            throw;
        }

        var faults = new FaultInjection();
        var requests = new ApiRequestLog();
        var handler = new ApiHandler(api, faults, options, requests, admissionMetrics, logger);

        var builder = WebApplication.CreateSlimBuilder();
        // The host process's appsettings and environment (a Kestrel section, ASPNETCORE_URLS) must not reconfigure the sandbox.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.HttpPort);
            kestrel.Listen(IPAddress.Loopback, options.HttpsPort, listen => listen.UseHttps(certificates.Serving));
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).ToList();
        var httpUrl = addresses.First(a => a.Scheme == "http");
        var httpsUrl = addresses.First(a => a.Scheme == "https");

        string? temporaryDirectory = null;
        var kubeconfigPath = options.KubeconfigPath;
        if (kubeconfigPath is null)
        {
            temporaryDirectory = Directory.CreateTempSubdirectory("admissionguard-sandbox-").FullName;
            kubeconfigPath = Path.Combine(temporaryDirectory, "kubeconfig");
        }
        else if (Path.GetDirectoryName(Path.GetFullPath(kubeconfigPath)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(kubeconfigPath, Kubeconfig.Render(httpsUrl, httpUrl, certificates.AuthorityPem), cancellationToken);
        cluster?.Start();
        SandboxLog.Started(logger, httpUrl, httpsUrl, kubeconfigPath);
        return new SandboxServer(app, api, admissionMetrics, cluster, faults, requests, transport, serviceEndpoints, certificates, httpUrl, httpsUrl, kubeconfigPath, temporaryDirectory);
    }

    /// <summary>
    /// Writes a kubeconfig like <see cref="KubeconfigPath"/> whose user presents <paramref name="token"/>: a client
    /// using it is the user <see cref="SandboxOptions.TokenUsers"/> maps that token to, as a pod is its ServiceAccount.
    /// </summary>
    public async Task WriteKubeconfigAsync(string path, string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        await File.WriteAllTextAsync(path, Kubeconfig.Render(HttpsUrl, HttpUrl, CaCertificatePem, token), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        Client.Dispose();
        Faults.DropWatchStreams();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _transport.Dispose();
        Faults.Dispose();
        _certificates.Dispose();
        if (_temporaryDirectory is not null)
        {
            Directory.Delete(_temporaryDirectory, recursive: true);
        }
    }
}
