using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Cilium;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The simulated cluster on top of a <see cref="ClusterApi"/>: scheduler, kubelets, NoExecute taint eviction,
/// DaemonSet, ReplicaSet, Deployment, Job and disruption controllers, garbage collection, and Cilium. Each is a small
/// level-triggered loop fed by watches, with a periodic resync; all time comes from <see cref="ClusterApi.Time"/>.
/// Controllers write through the same API as kubectl, so admission webhooks see every pod and binding they make.
/// </summary>
public sealed class SimulatedCluster : IHostedService, IAsyncDisposable
{
    private readonly List<ControllerLoop> _loops;
    private readonly ILogger _logger;
    private bool _running;

    /// <param name="rootCaPem">The API server's CA, which the root CA publisher puts in every namespace; without one it does not run.</param>
    /// <exception cref="OptionsValidationException"><paramref name="options"/> has a bad value; the message names it.</exception>
    public SimulatedCluster(ClusterApi api, SimulationOptions? options = null, ILoggerFactory? loggerFactory = null, string? rootCaPem = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        Api = api;
        Options = options ?? new SimulationOptions();
        ThrowIfInvalid(Options);
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<SimulatedCluster>();
        IController[] controllers =
        [
            new Scheduler(api, Options, loggerFactory.CreateLogger<Scheduler>()),
            new Kubelet(api, Options, Addresses, loggerFactory.CreateLogger<Kubelet>()),
            new NoExecuteTaintManager(api, loggerFactory.CreateLogger<NoExecuteTaintManager>()),
            new NodeLifecycleController(api, loggerFactory.CreateLogger<NodeLifecycleController>()),
            new DaemonSetController(api, loggerFactory.CreateLogger<DaemonSetController>()),
            new ReplicaSetController(api, loggerFactory.CreateLogger<ReplicaSetController>()),
            new DeploymentController(api, loggerFactory.CreateLogger<DeploymentController>()),
            new StatefulSetController(api, loggerFactory.CreateLogger<StatefulSetController>()),
            new JobController(api, loggerFactory.CreateLogger<JobController>()),
            new DisruptionController(api, loggerFactory.CreateLogger<DisruptionController>()),
            new EndpointsController(api, loggerFactory.CreateLogger<EndpointsController>()),
            new EndpointSliceController(api, loggerFactory.CreateLogger<EndpointSliceController>()),
            new EndpointSliceMirroringController(api, loggerFactory.CreateLogger<EndpointSliceMirroringController>()),
            new ServiceAccountsController(api, loggerFactory.CreateLogger<ServiceAccountsController>()),
            .. (rootCaPem is null ? Array.Empty<IController>() : [new RootCaPublisher(api, rootCaPem, loggerFactory.CreateLogger<RootCaPublisher>())]),
            new GarbageCollector(api, loggerFactory.CreateLogger<GarbageCollector>()),
            new CiliumSimulation(api, Options, loggerFactory.CreateLogger<CiliumSimulation>()),
            new EventTtl(api, loggerFactory.CreateLogger<EventTtl>()),
        ];
        _loops = [.. controllers.Select(c => new ControllerLoop(c, api, Options.ResyncInterval, _logger))];
        ControllerNames = [.. controllers.Select(c => c.Name)];
    }

    public ClusterApi Api { get; }

    public SimulationOptions Options { get; }

    /// <summary>Node and pod IPs handed out in this cluster.</summary>
    public AddressPool Addresses { get; } = new();

    /// <summary>False in Cilium's slim CES mode: the API server should then not serve ciliumendpoints at all.</summary>
    public bool ServesCiliumEndpoints => Options.CiliumEndpoints;

    public IReadOnlyList<string> ControllerNames { get; }

    /// <summary>Starts every controller; each first reconciles what already exists.</summary>
    public void Start()
    {
        if (_running)
        {
            return;
        }

        _running = true;
        foreach (var loop in _loops)
        {
            loop.Start();
        }

        SimulationLog.Started(_logger, string.Join(", ", ControllerNames));
    }

    public async Task StopAsync()
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        await Task.WhenAll(_loops.Select(l => l.StopAsync()));
        SimulationLog.Stopped(_logger);
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        Start();
        return Task.CompletedTask;
    }

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => StopAsync();

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// Registers a node as a kubelet would: labels (hostname, os, arch, zone), by default the
    /// <c>node.cilium.io/agent-not-ready</c> taint, then a Ready status with an InternalIP.
    /// </summary>
    public async Task<V1Node> AddNodeAsync(string name, NodeSetup? setup = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        setup ??= new NodeSetup();
        var labels = new Dictionary<string, string>(setup.Labels ?? new Dictionary<string, string>())
        {
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
        };
        if (setup.Zone is { } zone)
        {
            labels["topology.kubernetes.io/zone"] = zone;
        }

        var node = new V1Node
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1NodeSpec
            {
                Unschedulable = setup.Unschedulable ? true : null,
                Taints = setup.CiliumTaint
                    ? [new V1Taint { Key = CiliumTaints.AgentNotReady, Value = "true", Effect = setup.TaintEffect }]
                    : null,
            },
            // Created with its status in one write, so the kubelet never sees it unregistered.
            Status = NodeStatuses.Ready(name, Addresses.NextNodeIp(), SimulationClock.Now(Api.Time)),
        };
        return await Api.CreateAsync(node, cancellationToken: cancellationToken);
    }

    /// <summary>Creates the Cilium agent DaemonSet; its pods become Ready after <paramref name="agentStartupDelay"/>
    /// (default <see cref="SimulationOptions.CiliumAgentStartupDelay"/>), later than the other DaemonSets.</summary>
    public Task<V1DaemonSet> InstallCiliumAsync(TimeSpan? agentStartupDelay = null, CancellationToken cancellationToken = default) =>
        Api.CreateAsync(SimulatedWorkloads.CiliumAgent(Options, agentStartupDelay ?? Options.CiliumAgentStartupDelay), cancellationToken: cancellationToken);

    /// <summary>
    /// Crashes the Cilium agent on <paramref name="node"/>: its container waits in CrashLoopBackOff (restart count up,
    /// pod not Ready) until <see cref="RestartCiliumAgentAsync"/>. Cilium's operator then re-taints the node.
    /// </summary>
    /// <exception cref="InvalidOperationException">No Cilium agent pod runs on <paramref name="node"/>.</exception>
    public async Task CrashCiliumAgentAsync(string node, CancellationToken cancellationToken = default)
    {
        var agent = AgentPod(node);
        var now = SimulationClock.Now(Api.Time);
        StatusConditions.Set(agent.Status, "ContainersReady", "False", now, "ContainersNotReady", "containers with unready status");
        StatusConditions.Set(agent.Status, "Ready", "False", now, "ContainersNotReady", "containers with unready status");
        foreach (var container in agent.Status.ContainerStatuses ?? [])
        {
            container.Ready = false;
            container.Started = false;
            container.RestartCount++;
            // The status keeps the dead container's id until the next one starts, as the kubelet's does: its logs stay readable.
            container.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, Reason = "Error", FinishedAt = now, ContainerID = container.ContainerID } };
            container.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } };
        }

        await Api.UpdateStatusAsync(agent, cancellationToken: cancellationToken);
        SimulationLog.CiliumAgentCrashed(_logger, agent.Metadata.NamespaceProperty, agent.Metadata.Name, node);
    }

    /// <summary>
    /// Restarts the Cilium agent container on <paramref name="node"/> (after <see cref="CrashCiliumAgentAsync"/>, or as a
    /// plain restart): not Ready until its start-up delay has passed again; then Cilium's operator removes the taint.
    /// </summary>
    /// <exception cref="InvalidOperationException">No Cilium agent pod runs on <paramref name="node"/>.</exception>
    public async Task RestartCiliumAgentAsync(string node, CancellationToken cancellationToken = default)
    {
        var agent = AgentPod(node);
        var now = SimulationClock.Now(Api.Time);
        StatusConditions.Set(agent.Status, "ContainersReady", "False", now, "ContainersNotReady", "containers with unready status");
        StatusConditions.Set(agent.Status, "Ready", "False", now, "ContainersNotReady", "containers with unready status");
        foreach (var container in agent.Status.ContainerStatuses ?? [])
        {
            if (container.State?.Running is not null)
            {
                container.RestartCount++;
                container.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed", FinishedAt = now, ContainerID = container.ContainerID } };
            }

            container.ContainerID = Kubelet.NewContainerId();
            container.Ready = false;
            container.Started = true;
            container.State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = now } };
        }

        await Api.UpdateStatusAsync(agent, cancellationToken: cancellationToken);
        SimulationLog.CiliumAgentRestarted(_logger, agent.Metadata.NamespaceProperty, agent.Metadata.Name, node);
    }

    private V1Pod AgentPod(string node) =>
        Api.List<V1Pod>(Options.CiliumAgentNamespace, new ListOptions { LabelSelector = Options.CiliumAgentSelector, FieldSelector = $"spec.nodeName={node}" })
            .FirstOrDefault(p => p.Status?.Phase == "Running")
        ?? throw new InvalidOperationException($"no running Cilium agent pod on node {node}");

    /// <summary>Creates the seed's other DaemonSets: <c>ebs-csi-node</c>, <c>istio-cni-node</c> (blanket tolerations) and <c>aws-node</c> (hostNetwork).</summary>
    public async Task<IReadOnlyList<V1DaemonSet>> CreateSeedDaemonSetsAsync(CancellationToken cancellationToken = default)
    {
        var created = new List<V1DaemonSet>();
        foreach (var daemonSet in new[] { SimulatedWorkloads.EbsCsiNode(), SimulatedWorkloads.IstioCniNode(), SimulatedWorkloads.AwsNode() })
        {
            created.Add(await Api.CreateAsync(daemonSet, cancellationToken: cancellationToken));
        }

        return created;
    }

    private static void ThrowIfInvalid(SimulationOptions options)
    {
        var failures = new IValidateOptions<SimulationOptions>[] { new SimulationOptionsValidator(), new SimulationOptionsRules() }
            .Select(v => v.Validate(Microsoft.Extensions.Options.Options.DefaultName, options))
            .Where(r => r.Failed)
            .SelectMany(r => r.Failures ?? [])
            .ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(SimulationOptions), failures);
        }
    }
}
