using System.Net;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>
/// The EndpointSlice mirroring controller (<c>pkg/controller/endpointslicemirroring</c>): the Endpoints someone writes
/// for a Service without a selector are mirrored into slices, so that readers of slices (<c>kubectl describe
/// service</c>, kube-proxy, Cilium) see them. Each slice is owned by the Endpoints (deleted with it) and carries its
/// labels and annotations (but the last-applied configuration and trigger time) with
/// <c>kubernetes.io/service-name</c> and <c>endpointslice.kubernetes.io/managed-by:
/// endpointslicemirroring-controller.k8s.io</c>; each address becomes an endpoint with only <c>ready</c> (true under
/// <c>addresses</c>, false under <c>notReadyAddresses</c>), its node, hostname and target. Not mirrored, and the
/// mirrored slices deleted: Endpoints whose Service is missing or has a selector, labelled
/// <c>endpointslice.kubernetes.io/skip-mirror: "true"</c>, or holding a leader-election record.
/// </summary>
internal sealed class EndpointSliceMirroringController(ClusterApi api, ILogger logger) : IController
{
    public const string ManagedBy = "endpointslicemirroring-controller.k8s.io";

    private const string SkipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror";
    private const string LeaderAnnotation = "control-plane.alpha.kubernetes.io/leader";
    private static readonly string[] NotCopiedAnnotations = ["endpoints.kubernetes.io/last-change-trigger-time", "kubectl.kubernetes.io/last-applied-configuration"];

    private readonly EndpointSliceWriter _writer = new(api, "endpointslice-mirroring-controller", logger);

    public string Name => "endpointslice-mirroring-controller";

    public IReadOnlyList<ResourceType> WatchedTypes { get; } = [ResourceTypes.Endpoints, ResourceTypes.Services, ResourceTypes.EndpointSlices];

    public async Task<DateTimeOffset?> ReconcileAsync(CancellationToken cancellationToken)
    {
        var mirrored = api.List<V1EndpointSlice>(null, new ListOptions { LabelSelector = $"{EndpointSliceController.ManagedByLabel}={ManagedBy}" })
            .ToLookup(s => (s.Metadata.NamespaceProperty, s.GetLabel(EndpointSliceController.ServiceNameLabel)));
        foreach (var endpoints in api.List<V1Endpoints>())
        {
            var (ns, name) = (endpoints.Metadata.NamespaceProperty, endpoints.Metadata.Name);
            var metadata = new V1ObjectMeta
            {
                GenerateName = $"{name}-",
                NamespaceProperty = ns,
                Labels = Labels(endpoints),
                Annotations = Annotations(endpoints),
            };
            var desired = Mirrors(endpoints, api.Get<V1Service>(ns, name)) ? Desired(endpoints) : [];
            await _writer.SyncAsync(mirrored[(ns, name)], "Endpoints", endpoints.Metadata, desired, metadata, cancellationToken);
        }

        return null;
    }

    private static bool Mirrors(V1Endpoints endpoints, V1Service? service) =>
        service is not null && service.Spec?.Selector is not { Count: > 0 }
        && endpoints.GetLabel(SkipMirrorLabel) != "true"
        && endpoints.Metadata.Annotations?.ContainsKey(LeaderAnnotation) != true;

    /// <summary>Every subset's addresses by address type and ports; addresses that are no IP are left out.</summary>
    private static List<DesiredSlice> Desired(V1Endpoints endpoints)
    {
        var mirrored = new List<(string AddressType, List<Discoveryv1EndpointPort> Ports, V1Endpoint Endpoint)>();
        foreach (var subset in endpoints.Subsets ?? [])
        {
            List<Discoveryv1EndpointPort> ports =
                [.. (subset.Ports ?? []).Select(p => new Discoveryv1EndpointPort { Name = p.Name ?? "", Port = p.Port, Protocol = p.Protocol ?? "TCP", AppProtocol = p.AppProtocol })];
            var addresses = (subset.Addresses ?? []).Select(a => (Address: a, Ready: true))
                .Concat((subset.NotReadyAddresses ?? []).Select(a => (Address: a, Ready: false)));
            foreach (var (address, ready) in addresses)
            {
                if (!IPAddress.TryParse(address.Ip, out var ip))
                {
                    continue;
                }

                var endpoint = new V1Endpoint
                {
                    Addresses = [ip.ToString()],
                    Conditions = new V1EndpointConditions { Ready = ready },
                    NodeName = address.NodeName,
                    Hostname = string.IsNullOrEmpty(address.Hostname) ? null : address.Hostname,
                    TargetRef = address.TargetRef,
                };
                mirrored.Add((EndpointSliceWriter.AddressTypeOf(ip), ports, endpoint));
            }
        }

        return [.. mirrored.GroupBy(m => m.AddressType).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => EndpointSliceWriter.Chunked(g.Key, g.Select(m => (m.Ports, m.Endpoint))))];
    }

    private static Dictionary<string, string> Labels(V1Endpoints endpoints) =>
        new(endpoints.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [EndpointSliceController.ServiceNameLabel] = endpoints.Metadata.Name,
            [EndpointSliceController.ManagedByLabel] = ManagedBy,
        };

    private static Dictionary<string, string>? Annotations(V1Endpoints endpoints)
    {
        var annotations = (endpoints.Metadata.Annotations ?? new Dictionary<string, string>())
            .Where(a => !NotCopiedAnnotations.Contains(a.Key))
            .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        return annotations.Count > 0 ? annotations : null;
    }
}
