using System.Globalization;
using System.Security.Cryptography;
using AdmissionGuard.Core.Cluster;
using AdmissionGuard.Sandbox;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Http;
using AdmissionGuard.Sandbox.Simulation;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AdmissionGuard.Playground;

/// <summary>
/// The guard running on the sandbox, in process: what <c>demo</c>, <c>sandbox</c>, the integration tests and the
/// benchmarks use. It starts the sandbox API server with its simulated cluster, mints a serving certificate for the
/// webhook Service from its own CA, starts guard instances exactly as <c>serve</c> does (ports 0, the sandbox
/// kubeconfig), registers the SHIPPED webhook configurations with that CA as caBundle, points the Service at an
/// instance, and returns once every instance is ready (and one leads):
/// <code>
/// await using var playground = await GuardOnSandbox.StartAsync(new GuardOnSandboxOptions { Instances = 2 });
/// await playground.Cluster.AddNodeAsync("node-1");                 // tainted until Cilium is ready
/// var pod = await playground.Client.CoreV1.CreateNamespacedPodAsync(...);
/// await playground.Leader!.KillAsync();                             // the other instance takes over
/// </code>
/// </summary>
internal sealed class GuardOnSandbox : IAsyncDisposable
{
    public const string GuardNamespace = "admissionguard-system";

    /// <summary>The installed guard's identity: its ServiceAccount <c>admissionguard</c> in <see cref="GuardNamespace"/>.</summary>
    public const string ServiceAccountUser = "system:serviceaccount:" + GuardNamespace + ":admissionguard";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly GuardOnSandboxOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly DirectoryInfo _certificates;
    private readonly List<GuardInstance> _instances = [];
    private readonly Lock _gate = new();
    private int _started;
    private int _webhooksRegistered;

    private GuardOnSandbox(GuardOnSandboxOptions options, ILoggerFactory loggerFactory, SandboxServer sandbox, SandboxCertificates webhookCertificates, DirectoryInfo certificates, string guardKubeconfigPath)
    {
        GuardKubeconfigPath = guardKubeconfigPath;
        _options = options;
        _loggerFactory = loggerFactory;
        _certificates = certificates;
        Sandbox = sandbox;
        WebhookCertificates = webhookCertificates;
    }

    public SandboxServer Sandbox { get; }

    /// <summary>The in-process API (same admission, validation and watches as HTTP).</summary>
    public ClusterApi Api => Sandbox.Api;

    /// <summary>The simulated cluster: <c>AddNodeAsync</c>, <c>InstallCiliumAsync</c>, <c>CreateSeedDaemonSetsAsync</c>.</summary>
    /// <exception cref="InvalidOperationException">Started with <see cref="GuardOnSandboxOptions.Simulation"/> null.</exception>
    public SimulatedCluster Cluster => Sandbox.Cluster ?? throw new InvalidOperationException("the sandbox was started without a simulated cluster");

    /// <summary>A KubernetesClient for the sandbox (HTTPS).</summary>
    public Kubernetes Client => Sandbox.Client;

    /// <summary>The sandbox kubeconfig (<c>system:admin</c>), for kubectl and tests.</summary>
    public string KubeconfigPath => Sandbox.KubeconfigPath;

    /// <summary>The guard instances' kubeconfig: same server, authenticated as <see cref="GuardOnSandboxOptions.GuardUser"/>.</summary>
    public string GuardKubeconfigPath { get; }

    /// <summary>The webhook's CA (its PEM is the caBundle of both configurations) and serving certificate.</summary>
    public SandboxCertificates WebhookCertificates { get; }

    /// <summary>Every instance started, running or not, in start order.</summary>
    public IReadOnlyList<GuardInstance> Instances
    {
        get
        {
            lock (_gate)
            {
                return [.. _instances];
            }
        }
    }

    /// <summary>The running instance the webhook Service points at, or null when none runs.</summary>
    public GuardInstance? ServiceTarget { get; private set; }

    /// <summary>The running instance that holds the Lease now, if any.</summary>
    public GuardInstance? Leader => Instances.FirstOrDefault(i => i.IsLeader);

    private bool ReconcilerEnabled =>
        !(_options.Settings.TryGetValue("Reconciler:Enabled", out var enabled) && bool.TryParse(enabled, out var value) && !value);

    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A guard or simulation setting is invalid.</exception>
    /// <exception cref="TimeoutException">The guard did not become ready (or no leader emerged) within <see cref="GuardOnSandboxOptions.StartTimeout"/>.</exception>
    public static async Task<GuardOnSandbox> StartAsync(GuardOnSandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new GuardOnSandboxOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Instances);
        var loggerFactory = LoggerFactory.Create(logging => options.Logging?.Invoke(logging));
        var certificates = Directory.CreateTempSubdirectory("admissionguard-playground-");
        var webhookCertificates = SandboxCertificates.Create("admissionguard-webhook", ShippedWebhooks.ServiceDnsNames);
        var guardToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        SandboxServer? sandbox = null;
        try
        {
            sandbox = await SandboxServer.StartAsync(
                new SandboxOptions
                {
                    KubeconfigPath = options.KubeconfigPath,
                    Simulation = options.Simulation,
                    TimeProvider = options.TimeProvider,
                    LoggerFactory = loggerFactory,
                    TokenUsers = new Dictionary<string, string>(StringComparer.Ordinal) { [guardToken] = options.GuardUser },
                },
                cancellationToken);
            var guardKubeconfig = Path.Combine(certificates.FullName, "guard-kubeconfig");
            await sandbox.WriteKubeconfigAsync(guardKubeconfig, guardToken, cancellationToken);
            var playground = new GuardOnSandbox(options, loggerFactory, sandbox, webhookCertificates, certificates, guardKubeconfig);
            try
            {
                await playground.Api.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = GuardNamespace } }, cancellationToken: cancellationToken);
                for (var i = 0; i < options.Instances; i++)
                {
                    await playground.StartInstanceAsync(cancellationToken: cancellationToken);
                }

                if (options.Instances > 0 && options.WaitForLeader && playground.ReconcilerEnabled)
                {
                    await playground.WaitForLeaderAsync(options.StartTimeout, cancellationToken);
                }

                return playground;
            }
            catch
            {
                await playground.DisposeAsync();
                throw;
            }
        }
        catch when (sandbox is null)
        {
            webhookCertificates.Dispose();
            certificates.Delete(recursive: true);
            loggerFactory.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts one more instance (a replica) and waits until its <c>/readyz</c> passes. The webhook Service points
    /// at it when no running instance serves it yet. The first instance also registers the webhook configurations
    /// (so with <see cref="GuardOnSandboxOptions.Instances"/> 0 the sandbox runs without the guard until this call,
    /// as a cluster before the install).
    /// </summary>
    /// <param name="identity">Its <c>LeaderElection:Identity</c>; default <c>guard-N</c>.</param>
    public async Task<GuardInstance> StartInstanceAsync(string? identity = null, CancellationToken cancellationToken = default)
    {
        var number = Interlocked.Increment(ref _started);
        identity ??= string.Create(CultureInfo.InvariantCulture, $"guard-{number}");
        var directory = _certificates.CreateSubdirectory(identity);
        var certFile = Path.Combine(directory.FullName, "tls.crt");
        var keyFile = Path.Combine(directory.FullName, "tls.key");
        WebhookCertificates.WriteServingPem(certFile, keyFile);

        var app = GuardApplication.BuildGuard([.. Arguments(identity, certFile, keyFile)], builder =>
        {
            builder.Logging.ClearProviders();
            _options.Logging?.Invoke(builder.Logging);
            builder.Services.Replace(ServiceDescriptor.Singleton(_options.TimeProvider));
            // Replicas in one process: each serves only its own metrics on /metrics, as in a cluster.
            builder.Services.Replace(ServiceDescriptor.Singleton(Prometheus.Metrics.NewCustomRegistry()));
        });
        GuardInstance instance;
        try
        {
            await app.StartAsync(cancellationToken);
            instance = new GuardInstance(identity, app, app.GetGuardAddresses(), OnStoppedAsync);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        lock (_gate)
        {
            _instances.Add(instance);
        }

        await PollAsync(() => IsReadyAsync(instance, cancellationToken), $"{identity} to pass /readyz", _options.StartTimeout, cancellationToken);
        if (ServiceTarget is null)
        {
            PointServiceAt(instance);
        }

        if (Interlocked.Exchange(ref _webhooksRegistered, 1) == 0)
        {
            await ShippedWebhooks.RegisterAsync(Api, WebhookCertificates.AuthorityPem, cancellationToken);
        }

        return instance;
    }

    /// <summary>Waits until a running instance leads and every running instance's cache sees its Lease (so they gate).</summary>
    /// <exception cref="TimeoutException">No leader within <paramref name="timeout"/>.</exception>
    public async Task<GuardInstance> WaitForLeaderAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        GuardInstance? leader = null;
        await PollAsync(
            () => Task.FromResult((leader = Leader) is not null && Instances.Where(i => i.IsRunning).All(i => i.SeesLeader)),
            "an instance to lead and every instance to see its Lease",
            timeout ?? _options.StartTimeout,
            cancellationToken);
        return leader!;
    }

    /// <summary>
    /// Waits until every running instance's watch-fed cache satisfies <paramref name="condition"/>, e.g. knows a node
    /// created a moment ago (the webhook decides from that cache, never from the API).
    /// </summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/> (default <see cref="GuardOnSandboxOptions.StartTimeout"/>).</exception>
    public Task WaitUntilCachedAsync(Func<IClusterSnapshot, bool> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(
            () => Instances.Where(i => i.IsRunning).All(i => condition(i.Services.GetRequiredService<IClusterSnapshot>())),
            $"every instance's cache to show {what}",
            timeout,
            cancellationToken);

    /// <summary>Waits (polling) until <paramref name="condition"/> holds.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/> (default <see cref="GuardOnSandboxOptions.StartTimeout"/>).</exception>
    public Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        PollAsync(() => Task.FromResult(condition()), what, timeout ?? _options.StartTimeout, cancellationToken);

    /// <summary>Waits (polling) until the asynchronous <paramref name="condition"/> holds, e.g. a query over HTTP answers as expected.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/> (default <see cref="GuardOnSandboxOptions.StartTimeout"/>).</exception>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        PollAsync(condition, what, timeout ?? _options.StartTimeout, cancellationToken);

    /// <summary>Points the webhook Service (<see cref="ShippedWebhooks.Service"/>) at <paramref name="instance"/>.</summary>
    public void PointServiceAt(GuardInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Sandbox.ServiceEndpoints[ShippedWebhooks.Service] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{instance.Addresses.WebhookPort}");
        ServiceTarget = instance;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances)
        {
            await instance.StopAsync(CancellationToken.None);
        }

        await Sandbox.DisposeAsync();
        WebhookCertificates.Dispose();
        _certificates.Delete(recursive: true);
        _loggerFactory.Dispose();
    }

    private IEnumerable<string> Arguments(string identity, string certFile, string keyFile)
    {
        yield return "--Webhook:Port=0";
        yield return "--Webhook:MetricsPort=0";
        yield return "--Webhook:MetricsAddress=127.0.0.1";
        yield return $"--Webhook:CertFile={certFile}";
        yield return $"--Webhook:KeyFile={keyFile}";
        yield return $"--Kubernetes:Kubeconfig={GuardKubeconfigPath}";
        yield return $"--LeaderElection:Identity={identity}";
        yield return $"--Admission:Mode={_options.Mode}";
        yield return $"--Reconciler:DryRun={_options.DryRun}";
        if (_options.ReconcilerInterval is { } interval)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"--Reconciler:Interval={interval:c}");
        }

        if (_options.MinPodAge is { } minPodAge)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"--Reconciler:MinPodAge={minPodAge:c}");
        }

        foreach (var (key, value) in _options.Settings)
        {
            yield return $"--{key}={value}";
        }
    }

    /// <summary>Like a Service's endpoints: when the instance behind the Service goes, another running one takes its place.</summary>
    private ValueTask OnStoppedAsync(GuardInstance stopped)
    {
        if (ServiceTarget == stopped)
        {
            if (Instances.FirstOrDefault(i => i.IsRunning) is { } next)
            {
                PointServiceAt(next);
            }
            else
            {
                Sandbox.ServiceEndpoints.Remove(ShippedWebhooks.Service);
                ServiceTarget = null;
            }
        }

        return ValueTask.CompletedTask;
    }

    private static async Task<bool> IsReadyAsync(GuardInstance instance, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = instance.Addresses.Health, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Waits (polling) until the asynchronous <paramref name="condition"/> holds, e.g. one that asks the API server.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>.</exception>
    public static async Task PollAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!await condition())
            {
                await Task.Delay(PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting for {what}");
        }
    }
}
