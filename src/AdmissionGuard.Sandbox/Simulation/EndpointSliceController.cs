using System.Net;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The EndpointSlice controller (<c>pkg/controller/endpointslice</c>): for every Service with a selector, slices of
/// its pods, named after the Service (<c>generateName</c>), owned by it and labelled
/// <c>kubernetes.io/service-name</c> and <c>endpointslice.kubernetes.io/managed-by</c> besides the Service's own
/// labels. Unlike Endpoints, a slice lists terminating pods too, each endpoint with its <c>ready</c>,
/// <c>serving</c> and <c>terminating</c> conditions, node, zone and a reference to the pod. Pods that serve the
/// Service's ports on the same numbers share slices of at most 100 endpoints; a Service with no such pod keeps one
/// empty placeholder slice. Slices labelled for a Service but not owned by it are deleted; the Service's deletion
/// takes its slices through the garbage collector.
/// </summary>
internal sealed class EndpointSliceController(ClusterApi api, ILogger logger) : IController
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string ManagedBy = "endpointslice-controller.k8s.io";

    private const string HeadlessLabel = "service.kubernetes.io/headless";
    private const string ZoneLabel = "topology.kubernetes.io/zone";

    private readonly EndpointSliceWriter _writer = new(api, "endpointslice-controller", logger);

    public string Name => "endpointslice-controller";

    // Not nodes: a zone is read when a slice is written, as upstream does outside topology hints.
    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Services, ResourceTypes.Pods, ResourceTypes.EndpointSlices];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        var zones = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var service in api.List<V1Service>())
        {
            if (ServiceBackends.HasManagedEndpoints(service))
            {
                await SyncAsync(service, zones, cancellationToken);
            }
        }

        return null;
    }

    private async Task SyncAsync(V1Service service, Dictionary<string, string?> zones, CancellationToken cancellationToken)
    {
        var ns = service.Metadata.NamespaceProperty;
        var labelled = api.List<V1EndpointSlice>(ns, new ListOptions { LabelSelector = $"{ServiceNameLabel}={service.Metadata.Name},{ManagedByLabel}={ManagedBy}" });
        var pods = ServiceBackends.Pods(api, service, includeTerminating: true).ToList();
        var metadata = new V1ObjectMeta
        {
            GenerateName = $"{service.Metadata.Name}-",
            NamespaceProperty = ns,
            Labels = Labels(service),
        };
        var desired = AddressTypes(service).SelectMany(addressType => Desired(service, pods, addressType, zones)).ToList();
        await _writer.SyncAsync(labelled, "Service", service.Metadata, desired, metadata, cancellationToken);
    }

    /// <summary>
    /// The slices the Service's pods make for one address type, by the ports each pod serves it on (a pod without a
    /// named target port has none of it); one empty placeholder when there are none.
    /// </summary>
    private IEnumerable<DesiredSlice> Desired(V1Service service, List<V1Pod> pods, string addressType, Dictionary<string, string?> zones)
    {
        var endpoints = pods
            .Select(pod => (Pod: pod, Addresses: Addresses(pod, addressType)))
            .Where(p => p.Addresses.Count > 0)
            .Select(p => (Ports(service, p.Pod), Endpoint(service, p.Pod, p.Addresses, zones)))
            .ToList();
        return endpoints.Count > 0 ? EndpointSliceWriter.Chunked(addressType, endpoints) : [new DesiredSlice(addressType, null, null)];
    }

    private static List<Discoveryv1EndpointPort> Ports(V1Service service, V1Pod pod) =>
    [
        .. (service.Spec.Ports ?? [])
            .Select(port => (Port: port, Number: ServiceBackends.TargetPort(port, pod)))
            .Where(p => p.Number is not null)
            .Select(p => new Discoveryv1EndpointPort { Name = p.Port.Name ?? "", Port = p.Number, Protocol = p.Port.Protocol ?? "TCP", AppProtocol = p.Port.AppProtocol }),
    ];

    private V1Endpoint Endpoint(V1Service service, V1Pod pod, List<string> addresses, Dictionary<string, string?> zones)
    {
        var serving = ServiceBackends.IsReady(pod);
        var terminating = pod.Metadata.DeletionTimestamp is not null;
        var node = string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : pod.Spec.NodeName;
        return new V1Endpoint
        {
            Addresses = addresses,
            Conditions = new V1EndpointConditions
            {
                // Never ready while terminating, for the consumers that read only "ready" (unless the Service publishes every address).
                Ready = service.Spec.PublishNotReadyAddresses == true || serving && !terminating,
                Serving = serving,
                Terminating = terminating,
            },
            Hostname = !string.IsNullOrEmpty(pod.Spec?.Hostname) && pod.Spec.Subdomain == service.Metadata.Name ? pod.Spec.Hostname : null,
            NodeName = node,
            TargetRef = ServiceBackends.ReferenceTo(pod),
            Zone = node is null ? null : ZoneOf(node, zones),
        };
    }

    private string? ZoneOf(string node, Dictionary<string, string?> zones)
    {
        if (!zones.TryGetValue(node, out var zone))
        {
            zone = api.Get<V1Node>(null, node)?.GetLabel(ZoneLabel) is { Length: > 0 } value ? value : null;
            zones[node] = zone;
        }

        return zone;
    }

    private static List<string> Addresses(V1Pod pod, string addressType)
    {
        var all = pod.Status.PodIPs is { Count: > 0 } podIps ? podIps.Select(ip => ip.Ip) : [pod.Status.PodIP];
        return [.. all.Where(ip => IPAddress.TryParse(ip, out var parsed)
            && EndpointSliceWriter.AddressTypeOf(parsed) == addressType)];
    }

    /// <summary>The Service's IP families as address types; before families were defaulted, its cluster IP's, or both when headless.</summary>
    private static List<string> AddressTypes(V1Service service)
    {
        if (service.Spec.IpFamilies is { Count: > 0 } families)
        {
            return [.. families.Where(f => f is "IPv4" or "IPv6").Distinct()];
        }

        return service.Spec.ClusterIP is { Length: > 0 } ip && ip != "None" && IPAddress.TryParse(ip, out var parsed)
            ? [EndpointSliceWriter.AddressTypeOf(parsed)]
            : ["IPv4", "IPv6"];
    }

    /// <summary>The Service's labels but the reserved ones, a headless mark when it has no cluster IP, and the controller's two.</summary>
    private static Dictionary<string, string> Labels(V1Service service)
    {
        var labels = (service.Metadata.Labels ?? new Dictionary<string, string>())
            .Where(l => l.Key is not (ServiceNameLabel or ManagedByLabel or HeadlessLabel))
            .ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        if (service.Spec.ClusterIP is null or "" or "None")
        {
            labels[HeadlessLabel] = "";
        }

        labels[ServiceNameLabel] = service.Metadata.Name;
        labels[ManagedByLabel] = ManagedBy;
        return labels;
    }
}
