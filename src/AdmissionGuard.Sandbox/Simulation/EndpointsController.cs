using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The endpoints controller (<c>pkg/controller/endpoint</c>): for every Service with a selector, an Endpoints object of
/// the same name and labels listing the selected pods that have an IP and are not terminating, the Ready ones under
/// <c>addresses</c> and the others under <c>notReadyAddresses</c> (all under <c>addresses</c> with
/// <c>publishNotReadyAddresses</c>), each with its node and a reference to the pod. Each Service port becomes an
/// endpoint port with its target port resolved in the pod: a number as it is, a name through the pod's container
/// ports, and a pod that has no port of that name is left out of that port. Pods with the same resolved ports share a
/// subset, addresses sorted by IP. The Endpoints of a Service it managed is deleted with the Service; a Service without
/// a selector keeps the Endpoints someone else writes.
/// </summary>
internal sealed class EndpointsController(ClusterApi api, ILogger logger) : IController
{
    private readonly HashSet<(string Namespace, string Name)> _managed = [];

    public string Name => "endpoint-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Services, ResourceTypes.Pods, ResourceTypes.Endpoints];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        var selecting = new HashSet<(string, string)>();
        foreach (var service in api.List<V1Service>())
        {
            if (!ServiceBackends.HasManagedEndpoints(service))
            {
                continue;
            }

            var key = (service.Metadata.NamespaceProperty, service.Metadata.Name);
            selecting.Add(key);
            _managed.Add(key);
            await SyncAsync(service, cancellationToken);
        }

        foreach (var gone in _managed.Where(key => !selecting.Contains(key)).ToList())
        {
            _managed.Remove(gone);
            if (api.Get<V1Endpoints>(gone.Namespace, gone.Name) is { } endpoints && api.Get<V1Service>(gone.Namespace, gone.Name) is null)
            {
                await Writes.TryAsync(() => api.DeleteAsync<V1Endpoints>(gone.Namespace, gone.Name, cancellationToken: cancellationToken),
                    Name, ResourceTypes.Endpoints, endpoints.Metadata, logger);
            }
        }

        return null;
    }

    private async Task SyncAsync(V1Service service, CancellationToken cancellationToken)
    {
        var ns = service.Metadata.NamespaceProperty;
        var subsets = Subsets(service, ServiceBackends.Pods(api, service, includeTerminating: service.Spec.PublishNotReadyAddresses == true));
        var labels = service.Metadata.Labels is { Count: > 0 } serviceLabels ? new Dictionary<string, string>(serviceLabels) : null;
        if (api.Get<V1Endpoints>(ns, service.Metadata.Name) is not { } current)
        {
            var created = new V1Endpoints
            {
                ApiVersion = "v1",
                Kind = "Endpoints",
                Metadata = new V1ObjectMeta { Name = service.Metadata.Name, NamespaceProperty = ns, Labels = labels },
                Subsets = subsets,
            };
            await Writes.TryAsync(() => api.CreateAsync(created, cancellationToken: cancellationToken), Name, ResourceTypes.Endpoints, created.Metadata, logger);
            return;
        }

        if (PodTemplates.SameJson(current.Subsets, subsets) && PodTemplates.SameJson(current.Metadata.Labels, labels))
        {
            return;
        }

        current.Subsets = subsets;
        current.Metadata.Labels = labels;
        await Writes.TryAsync(() => api.UpdateAsync(current, cancellationToken: cancellationToken), Name, ResourceTypes.Endpoints, current.Metadata, logger);
    }

    private static List<V1EndpointSubset>? Subsets(V1Service service, IEnumerable<V1Pod> pods)
    {
        var publishNotReady = service.Spec.PublishNotReadyAddresses == true;
        var byPorts = new Dictionary<string, (List<Corev1EndpointPort> Ports, List<V1EndpointAddress> Ready, List<V1EndpointAddress> NotReady)>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var ports = (service.Spec.Ports ?? []).Select(port => Resolve(port, pod)).OfType<Corev1EndpointPort>().ToList();
            if (ports.Count == 0 && service.Spec.Ports is { Count: > 0 })
            {
                continue;
            }

            var key = string.Join(';', ports.Select(p => $"{p.Name}/{p.Port}/{p.Protocol}"));
            if (!byPorts.TryGetValue(key, out var subset))
            {
                subset = (ports, [], []);
                byPorts[key] = subset;
            }

            var address = new V1EndpointAddress
            {
                Ip = pod.Status.PodIP,
                NodeName = pod.Spec?.NodeName,
                TargetRef = ServiceBackends.ReferenceTo(pod),
            };
            (publishNotReady || ServiceBackends.IsReady(pod) ? subset.Ready : subset.NotReady).Add(address);
        }

        return byPorts.Count == 0
            ? null
            : [.. byPorts.Values.Select(s => new V1EndpointSubset
            {
                Addresses = s.Ready.Count > 0 ? [.. s.Ready.OrderBy(a => a.Ip, StringComparer.Ordinal)] : null,
                NotReadyAddresses = s.NotReady.Count > 0 ? [.. s.NotReady.OrderBy(a => a.Ip, StringComparer.Ordinal)] : null,
                Ports = s.Ports.Count > 0 ? s.Ports : null,
            })];
    }

    /// <summary>The Service port as the pod serves it, or null when the pod has no container port of its target's name.</summary>
    private static Corev1EndpointPort? Resolve(V1ServicePort port, V1Pod pod) =>
        ServiceBackends.TargetPort(port, pod) is { } number
            ? new Corev1EndpointPort { Name = string.IsNullOrEmpty(port.Name) ? null : port.Name, Port = number, Protocol = port.Protocol ?? "TCP" }
            : null;
}
