using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// Every node's kubelet in one loop. Registers nodes that have no Ready condition yet (Ready, an InternalIP),
/// starts pods bound to an existing node (Running, startTime, pod IP or the node IP for hostNetwork, running
/// container statuses, restartCount 0) and makes them Ready after their start-up delay, counted from the latest
/// container start: the pod's <see cref="SimulationAnnotations.StartupDelay"/> annotation, else
/// <see cref="SimulationOptions.StartupDelay"/>. A pod with a waiting (crashed) container is not made Ready.
/// A deleted pod (metadata.deletionTimestamp) keeps running until its containers stop: after its
/// <see cref="SimulationAnnotations.ShutdownDelay"/> or <see cref="SimulationOptions.ShutdownDelay"/>, at the latest when
/// its grace period ends; then the kubelet removes it from the API (a delete with grace period 0), as the real one does.
/// It records the container events kubelet 1.32 records (Pulled, Created, Started; Killing when a deleted pod's
/// containers are told to stop), on the container, from <c>kubelet</c> on the pod's node.
/// Each node gets its heartbeat Lease in <c>kube-node-lease</c> (<c>kubectl describe node</c> reads it), created once:
/// no node lifecycle controller here reads its renewals, so it is not renewed.
/// </summary>
internal sealed class Kubelet(ClusterApi api, SimulationOptions options, AddressPool addresses, ILogger logger) : IController
{
    private const string NodeLeaseNamespace = "kube-node-lease";

    private static readonly ListOptions Bound = new() { FieldSelector = "spec.nodeName!=" };

    // Pods already Running and Ready, by uid, at the resourceVersion seen: skipped without deserializing.
    private readonly Dictionary<string, long> _settled = new(StringComparer.Ordinal);

    // Pods whose containers were told to stop: the Killing events are recorded once per deletion.
    private readonly HashSet<string> _stopping = new(StringComparer.Ordinal);
    private readonly ComponentEvents _events = new(api, "kubelet", EventsApi.CoreV1, logger);
    private readonly HashSet<string> _reportedBadDelays = new(StringComparer.Ordinal);
    private readonly HashSet<string> _startedOn = new(StringComparer.Ordinal);
    private readonly VersionCache<V1Node> _nodes = VersionCache.OfModels<V1Node>();

    public string Name => "kubelet";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Pods, ResourceTypes.Nodes];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        _nodes.StartPass();
        var nodes = new Dictionary<string, V1Node>(StringComparer.Ordinal);
        var listed = api.List(ResourceTypes.Nodes, null).Items;
        foreach (var stored in listed)
        {
            var node = _nodes.Read(stored);
            nodes[stored.Name] = NodeStatuses.InternalIp(node) is null ? await RegisterAsync(stored.ToModel<V1Node>(), cancellationToken) : node;
            if (api.Store.Get(ResourceTypes.Leases, NodeLeaseNamespace, stored.Name) is null)
            {
                await CreateLeaseAsync(nodes[stored.Name], cancellationToken);
            }

            if (_startedOn.Add(stored.Uid))
            {
                await RecordStartedAsync(stored.Name, cancellationToken);
            }
        }

        _startedOn.IntersectWith(listed.Select(n => n.Uid));
        DateTimeOffset? next = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stored in api.List(ResourceTypes.Pods, null, Bound).Items)
        {
            seen.Add(stored.Uid);
            if ((_settled.TryGetValue(stored.Uid, out var settledAt) && settledAt == stored.ResourceVersion)
                || stored.Fields["status.phase"] is "Succeeded" or "Failed"
                || !nodes.TryGetValue(stored.Fields["spec.nodeName"], out var node)
                || NodeStatuses.InternalIp(node) is not { } nodeIp)
            {
                continue;
            }

            var pod = stored.ToModel<V1Pod>();
            if (pod.Metadata.DeletionTimestamp is { } deadline)
            {
                if (_stopping.Add(stored.Uid))
                {
                    await RecordContainerEventsAsync(pod, cancellationToken, ("Killing", c => $"Stopping container {c.Name}"));
                }

                var stopped = StoppedAt(pod, SimulationClock.AsOffset(deadline));
                if (stopped <= api.Time.GetUtcNow())
                {
                    await RemoveAsync(pod, cancellationToken);
                }
                else
                {
                    next = next is { } sooner && sooner < stopped ? sooner : stopped;
                }

                continue;
            }

            var changed = false;
            if (pod.Status?.Phase is "Pending" or null || pod.Status.StartTime is null)
            {
                Start(pod, nodeIp);
                changed = true;
            }

            var crashed = pod.Status!.ContainerStatuses?.Any(c => c.State?.Waiting is not null) == true;
            var readyAt = SimulationClock.AsOffset(LastStart(pod.Status)) + StartupDelay(pod);
            var ready = !crashed && readyAt <= api.Time.GetUtcNow();
            if (ready)
            {
                changed |= MarkReady(pod);
            }

            if (changed && await Writes.TryAsync(() => api.UpdateStatusAsync(pod, cancellationToken: cancellationToken), Name, ResourceTypes.Pods, pod.Metadata, logger))
            {
                if (stored.Fields["status.phase"] != "Running")
                {
                    await RecordStartedAsync(pod, cancellationToken);
                }

                LogTransition(stored, pod, nodeIp);
                continue;
            }

            if (ready || crashed)
            {
                _settled[stored.Uid] = stored.ResourceVersion;
            }
            else
            {
                next = next is { } earlier && earlier < readyAt ? earlier : readyAt;
            }
        }

        foreach (var uid in _settled.Keys.Where(uid => !seen.Contains(uid)).ToList())
        {
            _settled.Remove(uid);
        }

        _stopping.IntersectWith(seen);

        return next;
    }

    private async Task<V1Node> RegisterAsync(V1Node node, CancellationToken cancellationToken)
    {
        var ip = addresses.NextNodeIp();
        node.Status = NodeStatuses.Ready(node.Metadata.Name, ip, SimulationClock.Now(api.Time));
        if (await Writes.TryAsync(() => api.UpdateStatusAsync(node, cancellationToken: cancellationToken), Name, ResourceTypes.Nodes, node.Metadata, logger))
        {
            SimulationLog.NodeRegistered(logger, node.Metadata.Name, ip);
        }

        return api.Get<V1Node>(null, node.Metadata.Name) ?? node;
    }

    /// <summary>
    /// What a kubelet records about its node as it starts and finds it healthy: about the node by name, its name standing
    /// for the uid (kubelet's nodeRef, which <c>kubectl describe node</c> searches for besides the node's uid).
    /// </summary>
    private async Task RecordStartedAsync(string node, CancellationToken cancellationToken)
    {
        var about = new V1ObjectReference { Kind = "Node", Name = node, Uid = node };
        (string Reason, string Message)[] started =
        [
            ("Starting", "Starting kubelet."),
            ("NodeHasSufficientMemory", $"Node {node} status is now: NodeHasSufficientMemory"),
            ("NodeHasNoDiskPressure", $"Node {node} status is now: NodeHasNoDiskPressure"),
            ("NodeHasSufficientPID", $"Node {node} status is now: NodeHasSufficientPID"),
            ("NodeAllocatableEnforced", "Updated Node Allocatable limit across pods"),
            ("NodeReady", $"Node {node} status is now: NodeReady"),
        ];
        foreach (var (reason, message) in started)
        {
            await _events.RecordAsync(about, "Normal", reason, "", message, cancellationToken, host: node);
        }
    }

    /// <summary>The kubelet's heartbeat Lease: named after its node, owned by it, held by it for 40 s.</summary>
    private async Task CreateLeaseAsync(V1Node node, CancellationToken cancellationToken)
    {
        var lease = new V1Lease
        {
            Metadata = new V1ObjectMeta
            {
                Name = node.Metadata.Name,
                NamespaceProperty = NodeLeaseNamespace,
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = node.Metadata.Name, Uid = node.Metadata.Uid }],
            },
            Spec = new V1LeaseSpec { HolderIdentity = node.Metadata.Name, LeaseDurationSeconds = 40, RenewTime = SimulationClock.Now(api.Time) },
        };
        await Writes.TryAsync(() => api.CreateAsync(lease, cancellationToken: cancellationToken), Name, ResourceTypes.Leases, lease.Metadata, logger);
    }

    /// <summary>A container id as containerd reports it: each start of a container gets a new one.</summary>
    internal static string NewContainerId() => "containerd://" + Guid.NewGuid().ToString("N");

    private void Start(V1Pod pod, string nodeIp)
    {
        var now = SimulationClock.Now(api.Time);
        var status = pod.Status ??= new V1PodStatus();
        var podIp = pod.Spec.HostNetwork == true ? nodeIp : addresses.NextPodIp();
        status.Phase = "Running";
        status.StartTime = now;
        status.HostIP = nodeIp;
        status.HostIPs = [new V1HostIP { Ip = nodeIp }];
        status.PodIP = podIp;
        status.PodIPs = [new V1PodIP { Ip = podIp }];
        status.QosClass ??= "BestEffort";
        StatusConditions.Set(status, "PodReadyToStartContainers", "True", now);
        StatusConditions.Set(status, "Initialized", "True", now);
        StatusConditions.Set(status, "ContainersReady", "False", now, "ContainersNotReady", "containers with unready status");
        StatusConditions.Set(status, "Ready", "False", now, "ContainersNotReady", "containers with unready status");
        StatusConditions.Set(status, "PodScheduled", "True", now);
        status.ContainerStatuses = [.. pod.Spec.Containers.Select(c => new V1ContainerStatus
        {
            Name = c.Name,
            Image = c.Image,
            ImageID = c.Image,
            ContainerID = NewContainerId(),
            Started = true,
            Ready = false,
            RestartCount = 0,
            State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = now } },
        })];
    }

    /// <summary>
    /// What kubelet 1.32 records while it starts a pod's containers, each event on its container: the image pull
    /// (an image is pulled for <c>Always</c>, in no time here, and otherwise found on the machine), then Created and
    /// Started.
    /// </summary>
    private Task RecordStartedAsync(V1Pod pod, CancellationToken cancellationToken) => RecordContainerEventsAsync(pod, cancellationToken,
        ("Pulling", c => c.ImagePullPolicy == "Always" ? $"Pulling image \"{c.Image}\"" : null),
        ("Pulled", c => c.ImagePullPolicy == "Always"
            ? $"Successfully pulled image \"{c.Image}\" in 0s (0s including waiting). Image size: 0 bytes."
            : $"Container image \"{c.Image}\" already present on machine"),
        ("Created", c => $"Created container {c.Name}"),
        ("Started", c => $"Started container {c.Name}"));

    /// <summary>Records, container by container, each event whose message is not null.</summary>
    private async Task RecordContainerEventsAsync(V1Pod pod, CancellationToken cancellationToken, params (string Reason, Func<V1Container, string?> Message)[] events)
    {
        foreach (var container in pod.Spec.Containers)
        {
            var about = ComponentEvents.About("v1", "Pod", pod.Metadata);
            about.FieldPath = $"spec.containers{{{container.Name}}}";
            foreach (var (reason, message) in events)
            {
                if (message(container) is { } text)
                {
                    await _events.RecordAsync(about, "Normal", reason, "", text, cancellationToken, host: pod.Spec.NodeName);
                }
            }
        }
    }

    /// <summary>When the pod's containers last started: a restarted container starts its readiness over.</summary>
    private static DateTime LastStart(V1PodStatus status) =>
        (status.ContainerStatuses ?? []).Select(c => c.State?.Running?.StartedAt).Where(t => t is not null).Max() ?? status.StartTime!.Value;

    /// <returns>True when the pod was not Ready yet.</returns>
    private bool MarkReady(V1Pod pod)
    {
        var now = SimulationClock.Now(api.Time);
        var changed = StatusConditions.Set(pod.Status, "ContainersReady", "True", now);
        changed |= StatusConditions.Set(pod.Status, "Ready", "True", now);
        foreach (var container in pod.Status.ContainerStatuses ?? [])
        {
            changed |= container.Ready != true;
            container.Ready = true;
        }

        return changed;
    }

    private TimeSpan StartupDelay(V1Pod pod) => AnnotatedDelay(pod, SimulationAnnotations.StartupDelay, options.StartupDelay)!.Value;

    /// <summary>When the deleted pod's containers have stopped: its shutdown delay after the delete, within its grace period.</summary>
    private DateTimeOffset StoppedAt(V1Pod pod, DateTimeOffset deadline)
    {
        var deleted = deadline - TimeSpan.FromSeconds(pod.Metadata.DeletionGracePeriodSeconds ?? 0);
        return AnnotatedDelay(pod, SimulationAnnotations.ShutdownDelay, options.ShutdownDelay) is { } shutdown && deleted + shutdown < deadline
            ? deleted + shutdown
            : deadline;
    }

    private async Task RemoveAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var force = new RequestContext { GracePeriodSeconds = 0 };
        var preconditions = new V1Preconditions { Uid = pod.Metadata.Uid };
        if (await Writes.TryAsync(() => api.DeleteAsync<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, preconditions, force, cancellationToken), Name, ResourceTypes.Pods, pod.Metadata, logger))
        {
            SimulationLog.PodTerminated(logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, pod.Spec.NodeName);
        }
    }

    private TimeSpan? AnnotatedDelay(V1Pod pod, string annotation, TimeSpan? fallback)
    {
        if (pod.Metadata.Annotations?.TryGetValue(annotation, out var text) != true)
        {
            return fallback;
        }

        if (Durations.TryParse(text, out var delay))
        {
            return delay;
        }

        if (_reportedBadDelays.Add(pod.Metadata.Uid))
        {
            SimulationLog.BadDelayAnnotation(logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, annotation, text!);
        }

        return fallback;
    }

    private void LogTransition(StoredObject before, V1Pod after, string nodeIp)
    {
        var node = after.Spec.NodeName;
        if (before.Fields["status.phase"] != "Running")
        {
            SimulationLog.PodStarted(logger, after.Metadata.NamespaceProperty, after.Metadata.Name, node, after.Status.PodIP ?? nodeIp);
        }

        if (StatusConditions.IsTrue(after.Status, "Ready"))
        {
            SimulationLog.PodReady(logger, after.Metadata.NamespaceProperty, after.Metadata.Name, node);
        }
    }
}
