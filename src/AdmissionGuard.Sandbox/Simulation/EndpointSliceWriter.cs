using System.Net;
using System.Net.Sockets;
using AdmissionGuard.Sandbox.Api;
using AdmissionGuard.Sandbox.Store;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AdmissionGuard.Sandbox.Simulation;

/// <summary>One EndpointSlice a controller wants: empty lists are null, as the apiserver gives them back.</summary>
internal sealed record DesiredSlice(string AddressType, List<Discoveryv1EndpointPort>? Ports, List<V1Endpoint>? Endpoints);

/// <summary>
/// Brings one owner's EndpointSlices to the desired ones, as both slice controllers do: a slice labelled for the owner
/// but owned by another object is deleted, a slice of the same address type is reused (one with the same ports first)
/// and updated where it differs, the missing ones are created from <c>generateName</c> with the owner's controller
/// reference, and the rest are deleted.
/// </summary>
internal sealed class EndpointSliceWriter(ClusterApi api, string controller, ILogger logger)
{
    public const int MaxEndpointsPerSlice = 100;

    /// <param name="labelled">The slices labelled for the owner's Service; those the owner does not own are deleted.</param>
    /// <param name="ownerKind">The owner's kind (core/v1), whose controller reference each slice carries.</param>
    /// <param name="metadata">What every slice of the owner carries besides that reference: generateName, namespace, labels, annotations.</param>
    public async Task SyncAsync(
        IEnumerable<V1EndpointSlice> labelled, string ownerKind, V1ObjectMeta owner, IEnumerable<DesiredSlice> desired, V1ObjectMeta metadata, CancellationToken cancellationToken)
    {
        var reusable = new List<V1EndpointSlice>();
        foreach (var slice in labelled.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal))
        {
            if (slice.Metadata.OwnerReferences?.Any(o => o.Uid == owner.Uid && o.Kind == ownerKind && o.ApiVersion == "v1") == true)
            {
                reusable.Add(slice);
            }
            else
            {
                await DeleteAsync(slice, cancellationToken);
            }
        }

        var ownerReference = new V1OwnerReference { ApiVersion = "v1", Kind = ownerKind, Name = owner.Name, Uid = owner.Uid, Controller = true, BlockOwnerDeletion = true };
        foreach (var wanted in desired)
        {
            var sameType = reusable.Where(s => s.AddressType == wanted.AddressType).ToList();
            var slice = sameType.FirstOrDefault(s => PodTemplates.SameJson(s.Ports, wanted.Ports)) ?? sameType.FirstOrDefault();
            if (slice is null)
            {
                var created = new V1EndpointSlice
                {
                    ApiVersion = "discovery.k8s.io/v1",
                    Kind = "EndpointSlice",
                    Metadata = new V1ObjectMeta
                    {
                        GenerateName = metadata.GenerateName,
                        NamespaceProperty = metadata.NamespaceProperty,
                        Labels = metadata.Labels,
                        Annotations = metadata.Annotations,
                        OwnerReferences = [ownerReference],
                    },
                    AddressType = wanted.AddressType,
                    Endpoints = wanted.Endpoints,
                    Ports = wanted.Ports,
                };
                await Writes.TryAsync(() => api.CreateAsync(created, cancellationToken: cancellationToken), controller, ResourceTypes.EndpointSlices, created.Metadata, logger);
                continue;
            }

            reusable.Remove(slice);
            if (PodTemplates.SameJson(slice.Ports, wanted.Ports) && PodTemplates.SameJson(slice.Endpoints, wanted.Endpoints)
                && PodTemplates.SameJson(slice.Metadata.Labels, metadata.Labels) && PodTemplates.SameJson(slice.Metadata.Annotations, metadata.Annotations))
            {
                continue;
            }

            slice.Ports = wanted.Ports;
            slice.Endpoints = wanted.Endpoints;
            slice.Metadata.Labels = metadata.Labels;
            slice.Metadata.Annotations = metadata.Annotations;
            await Writes.TryAsync(() => api.UpdateAsync(slice, cancellationToken: cancellationToken), controller, ResourceTypes.EndpointSlices, slice.Metadata, logger);
        }

        foreach (var surplus in reusable)
        {
            await DeleteAsync(surplus, cancellationToken);
        }
    }

    private Task<bool> DeleteAsync(V1EndpointSlice slice, CancellationToken cancellationToken) =>
        Writes.TryAsync(() => api.DeleteAsync<V1EndpointSlice>(slice.Metadata.NamespaceProperty, slice.Metadata.Name, cancellationToken: cancellationToken),
            controller, ResourceTypes.EndpointSlices, slice.Metadata, logger);

    /// <summary>The slice address type an IP belongs in.</summary>
    public static string AddressTypeOf(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    /// <summary>Endpoints grouped by their ports, each group in slices of at most <see cref="MaxEndpointsPerSlice"/>, endpoints in address order.</summary>
    public static IEnumerable<DesiredSlice> Chunked(string addressType, IEnumerable<(List<Discoveryv1EndpointPort> Ports, V1Endpoint Endpoint)> endpoints)
    {
        var groups = new SortedDictionary<string, (List<Discoveryv1EndpointPort> Ports, List<V1Endpoint> Endpoints)>(StringComparer.Ordinal);
        foreach (var (ports, endpoint) in endpoints)
        {
            var key = string.Join(';', ports.Select(p => $"{p.Name}/{p.Port}/{p.Protocol}/{p.AppProtocol}"));
            if (!groups.TryGetValue(key, out var group))
            {
                group = (ports, []);
                groups[key] = group;
            }

            group.Endpoints.Add(endpoint);
        }

        foreach (var (ports, members) in groups.Values)
        {
            foreach (var chunk in members.OrderBy(e => e.Addresses[0], StringComparer.Ordinal).Chunk(MaxEndpointsPerSlice))
            {
                yield return new DesiredSlice(addressType, ports.Count > 0 ? ports : null, [.. chunk]);
            }
        }
    }
}
