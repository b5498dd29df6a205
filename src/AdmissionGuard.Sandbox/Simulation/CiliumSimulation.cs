using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Cilium;
using AdmissionGuard.Sandbox.Labels;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// Cilium's operator and agents. When an agent pod (namespace and selector from <see cref="SimulationOptions"/>) is
/// Ready on a node, the node loses every <c>node.cilium.io/agent-not-ready</c> taint (any effect) and gets
/// <c>NetworkUnavailable=False, CiliumIsUp</c>. A non-hostNetwork pod that started (became Running) on a node
/// whose agent was already Ready is managed by Cilium and gets a CiliumEndpoint; a pod that started earlier was
/// wired by the previous CNI and never gets one, which is the failure AdmissionGuard exists for. The endpoint appears
/// <see cref="SimulationOptions.CiliumEndpointDelay"/> after the pod started. Endpoints go
/// away with their pods through the garbage collector (owner reference to the pod uid). Like the operator with
/// <c>setNodeTaints</c> (on by default), it re-adds the taint (empty value, effect NoSchedule) to a node whose agent
/// pod is scheduled but not Ready: after an agent crash or restart, and during every Cilium upgrade.
/// </summary>
internal sealed class CiliumSimulation(ClusterApi api, SimulationOptions options, ILogger logger) : IController
{
    private readonly LabelSelector _agents = LabelSelector.Parse(options.CiliumAgentSelector);
    private readonly HashSet<string> _reportedUnmanaged = new(StringComparer.Ordinal);
    private static readonly ListOptions RunningPodNetworkPods = new() { FieldSelector = "status.phase=Running,spec.hostNetwork=false" };
    private const string NetworkUpReason = "CiliumIsUp";
    private const string NetworkUpMessage = "Cilium is running on this node";
    private readonly VersionCache<V1Node> _nodes = VersionCache.OfModels<V1Node>();
    private readonly VersionCache<V1Pod> _pods = VersionCache.OfModels<V1Pod>();
    private readonly VersionCache<string?> _endpointOwners = new(static stored => stored.ToModel<CiliumEndpoint>().Metadata.OwnerReferences?.FirstOrDefault()?.Uid);

    public string Name => "cilium";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Pods, ResourceTypes.Nodes, ResourceTypes.CiliumEndpoints];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        _nodes.StartPass();
        _pods.StartPass();
        _endpointOwners.StartPass();
        var (agentReadySince, agentScheduled) = Agents();
        var nodes = new Dictionary<string, V1Node>(StringComparer.Ordinal);
        foreach (var stored in api.List(ResourceTypes.Nodes, null).Items)
        {
            // The cached model is shared: a node to change is a fresh copy.
            var node = nodes[stored.Name] = _nodes.Read(stored);
            if (agentReadySince.ContainsKey(stored.Name))
            {
                if (HasAgentTaint(node) || !NetworkUp(node))
                {
                    await MarkNetworkReadyAsync(stored.ToModel<V1Node>(), cancellationToken);
                }
            }
            else if (options.CiliumSetNodeTaints && agentScheduled.Contains(stored.Name) && !HasAgentTaint(node))
            {
                await TaintAsync(stored.ToModel<V1Node>(), cancellationToken);
            }
        }

        return options.CiliumEndpoints ? await SyncEndpointsAsync(agentReadySince, nodes, cancellationToken) : null;
    }

    /// <summary>Per node, since when its Cilium agent has been Ready (absent: not Ready); and the nodes with an agent pod.</summary>
    private (Dictionary<string, DateTime> ReadySince, HashSet<string> Scheduled) Agents()
    {
        var since = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var scheduled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stored in api.List(ResourceTypes.Pods, options.CiliumAgentNamespace).Items)
        {
            var node = stored.Fields["spec.nodeName"];
            if (node.Length == 0 || !_agents.Matches(stored.Labels))
            {
                continue;
            }

            scheduled.Add(node);
            if (StatusConditions.ReadySince(_pods.Read(stored).Status) is { } ready)
            {
                since[node] = since.TryGetValue(node, out var other) && other < ready ? other : ready;
            }
        }

        return (since, scheduled);
    }

    private static bool HasAgentTaint(V1Node node) => node.Spec?.Taints?.Any(t => t.Key == CiliumTaints.AgentNotReady) == true;

    private static bool NetworkUp(V1Node node) =>
        node.Status?.Conditions?.Any(c => c is { Type: "NetworkUnavailable", Status: "False", Reason: NetworkUpReason, Message: NetworkUpMessage }) == true;

    /// <summary>The operator's re-taint: only when no taint of that key is there (it keeps an existing one as it is).</summary>
    private async Task TaintAsync(V1Node node, CancellationToken cancellationToken)
    {
        var taints = node.Spec?.Taints ?? [];
        node.Spec ??= new V1NodeSpec();
        node.Spec.Taints = [.. taints, new V1Taint { Key = CiliumTaints.AgentNotReady, Value = "", Effect = "NoSchedule" }];
        if (await Writes.TryAsync(() => api.UpdateAsync(node, cancellationToken: cancellationToken), Name, ResourceTypes.Nodes, node.Metadata, logger))
        {
            SimulationLog.CiliumTaintAdded(logger, node.Metadata.Name);
        }
    }

    private async Task MarkNetworkReadyAsync(V1Node node, CancellationToken cancellationToken)
    {
        var taints = node.Spec?.Taints ?? [];
        if (taints.Any(t => t.Key == CiliumTaints.AgentNotReady))
        {
            node.Spec!.Taints = [.. taints.Where(t => t.Key != CiliumTaints.AgentNotReady)];
            if (!await Writes.TryAsync(() => api.UpdateAsync(node, cancellationToken: cancellationToken), Name, ResourceTypes.Nodes, node.Metadata, logger))
            {
                return;
            }

            SimulationLog.CiliumTaintRemoved(logger, node.Metadata.Name);
            node = api.Get<V1Node>(null, node.Metadata.Name) ?? node;
        }

        node.Status ??= new V1NodeStatus();
        if (StatusConditions.Set(node.Status, "NetworkUnavailable", "False", SimulationClock.Now(api.Time), NetworkUpReason, NetworkUpMessage))
        {
            await Writes.TryAsync(() => api.UpdateStatusAsync(node, cancellationToken: cancellationToken), Name, ResourceTypes.Nodes, node.Metadata, logger);
        }
    }

    /// <returns>When the next endpoint is due (<see cref="SimulationOptions.CiliumEndpointDelay"/> after its pod started).</returns>
    private async Task<DateTimeOffset?> SyncEndpointsAsync(Dictionary<string, DateTime> agentReadySince, Dictionary<string, V1Node> nodes, CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        var endpointOwners = api.List(ResourceTypes.CiliumEndpoints, null).Items
            .ToDictionary(e => e.Key, _endpointOwners.Read, StringComparer.Ordinal);
        foreach (var stored in api.List(ResourceTypes.Pods, null, RunningPodNetworkPods).Items)
        {
            var nodeName = stored.Fields["spec.nodeName"];
            if (!agentReadySince.TryGetValue(nodeName, out var readySince)
                || (endpointOwners.TryGetValue(stored.Key, out var owner) && owner == stored.Uid)
                || !nodes.TryGetValue(nodeName, out var node)
                || node.Metadata.Annotations?.TryGetValue(SimulationAnnotations.CiliumBroken, out var broken) == true && broken == "true")
            {
                continue;
            }

            var pod = _pods.Read(stored);
            if (pod.Status?.StartTime is not { } started || started < readySince)
            {
                if (_reportedUnmanaged.Add(stored.Uid))
                {
                    SimulationLog.PodUnmanagedByCilium(logger, stored.Namespace!, stored.Name, stored.Uid, nodeName);
                }

                continue;
            }

            var due = SimulationClock.AsOffset(started) + options.CiliumEndpointDelay;
            if (due > api.Time.GetUtcNow())
            {
                next = next is { } sooner && sooner < due ? sooner : due;
                continue;
            }

            if (endpointOwners.ContainsKey(stored.Key))
            {
                // An endpoint left by an earlier pod of the same name: the agent replaces it.
                await Writes.TryAsync(() => api.DeleteAsync<CiliumEndpoint>(stored.Namespace, stored.Name, cancellationToken: cancellationToken), Name, ResourceTypes.CiliumEndpoints, pod.Metadata, logger);
            }

            var endpoint = Endpoint(pod, NodeStatuses.InternalIp(node) ?? "");
            if (await Writes.TryAsync(() => api.CreateAsync(endpoint, cancellationToken: cancellationToken), Name, ResourceTypes.CiliumEndpoints, endpoint.Metadata, logger))
            {
                SimulationLog.CiliumEndpointCreated(logger, stored.Namespace!, stored.Name, stored.Uid, nodeName);
            }
        }

        _reportedUnmanaged.IntersectWith(api.List(ResourceTypes.Pods, null, RunningPodNetworkPods).Items.Select(p => p.Uid));
        return next;
    }

    private static CiliumEndpoint Endpoint(V1Pod pod, string nodeIp)
    {
        var labels = pod.Metadata.Labels ?? new Dictionary<string, string>();
        var identityLabels = labels
            .Select(l => $"k8s:{l.Key}={l.Value}")
            .Append($"k8s:io.kubernetes.pod.namespace={pod.Metadata.NamespaceProperty}")
            .Order(StringComparer.Ordinal)
            .ToList();
        return new CiliumEndpoint
        {
            Metadata = new V1ObjectMeta
            {
                Name = pod.Metadata.Name,
                NamespaceProperty = pod.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>(labels),
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, Uid = pod.Metadata.Uid }],
            },
            Status = new CiliumEndpointStatus
            {
                // Agent-local endpoint ids are small per-node numbers; identities of workloads start at 256.
                Id = 1 + (Fnv.Hash(pod.Metadata.Uid) % 4095),
                ExternalIdentifiers = new CiliumEndpointExternalIdentifiers
                {
                    PodNamespace = pod.Metadata.NamespaceProperty,
                    PodName = pod.Metadata.Name,
                    NamespacedPodName = $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}",
                },
                Identity = new CiliumEndpointIdentity { Id = 256 + (Fnv.Hash(string.Join(',', identityLabels)) % 65_280), Labels = identityLabels },
                Networking = new CiliumEndpointNetworking
                {
                    NodeIp = nodeIp,
                    Addressing = [new CiliumEndpointAddress { Ipv4 = pod.Status.PodIP }],
                },
                State = "ready",
            },
        };
    }
}
